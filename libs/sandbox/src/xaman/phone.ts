/**
 * Simulated phones: a user opening, signing or rejecting a payload in the Xaman app (control API
 * and in-process helpers), and the behaviour a phone follows when a payload is pushed to it.
 */
import { decode } from 'ripple-binary-codec';
import { isValidClassicAddress, type Wallet } from 'xrpl';

import { XamanSandboxError } from './errors';
import type { PayloadLifecycle } from './lifecycle';
import type { PayloadStore } from './payload-store';
import type { PayloadViews } from './payload-views';
import { isExpired, isRecord, type AccountRec, type PayloadRec, type UserRec } from './records';
import type { Runtime } from './runtime';
import { signPayloadTransaction } from './signing';
import type {
  XamanPayloadRecord,
  XamanSandboxOpenOptions,
  XamanSandboxRejectOptions,
  XamanSandboxSignOptions,
} from './types';
import { walletFromSeed, type UserDirectory } from './users';
import type { PayloadSockets } from './websocket';

/** The node a resolved payload's response names (`response.environment_*`). */
export interface PhoneNetwork {
  nodeUri: string;
  networkLabel: string;
  networkId: number;
}

export class Phones {
  constructor(
    private readonly runtime: Runtime,
    private readonly payloads: PayloadStore,
    private readonly views: PayloadViews,
    private readonly users: UserDirectory,
    private readonly sockets: PayloadSockets,
    private readonly lifecycle: PayloadLifecycle,
    private readonly network: PhoneNetwork,
  ) {}

  open(uuid: string, options: XamanSandboxOpenOptions = {}): XamanPayloadRecord {
    const p = this.payloads.get(uuid);
    this.assertActionable(p, false);
    if (options.userToken !== undefined) this.users.findUser(options.userToken);
    this.doOpen(p, options.deeplink);
    this.runtime.log('payload opened', { uuid });
    return this.views.record(p);
  }

  sign(uuid: string, options: XamanSandboxSignOptions = {}): XamanPayloadRecord {
    return this.prepareSign(uuid, options)();
  }

  /**
   * The phone's signature, made now (the checks and the key work); the payload changes only when the
   * returned function is called (it opens if needed and resolves, with its webhook and socket events).
   * A benchmark signs in advance what many phones would sign on their own hardware.
   */
  prepareSign(uuid: string, options: XamanSandboxSignOptions = {}): () => XamanPayloadRecord {
    const p = this.payloads.get(uuid);
    this.assertActionable(p, options.allowLate === true);
    const user = this.resolveUser(p, options, true);
    if (!user) throw new XamanSandboxError(400, 'NO_USER', 'No user');
    const account = this.signingAccount(p, user, options);
    const key = this.signingKey(account, options);
    if (options.signAs !== undefined && !isValidClassicAddress(options.signAs)) {
      throw new XamanSandboxError(400, 'INVALID_BODY', 'signAs must be a classic address');
    }
    if (options.tamper !== undefined && !isRecord(options.tamper)) {
      throw new XamanSandboxError(400, 'INVALID_BODY', 'tamper must be an object of field overrides');
    }
    let blob;
    try {
      blob = signPayloadTransaction({
        requestJson: p.requestJson,
        multisign: p.multisign,
        sourceAddress: account.address,
        key,
        ...(options.signAs !== undefined ? { signAs: options.signAs } : {}),
        tamper: options.tamper,
      });
    } catch (err) {
      throw new XamanSandboxError(400, 'SIGN_FAILED', `Could not sign: ${(err as Error).message}`);
    }
    const decoded = decode(blob.hex);
    return () => {
      // From here on the payload changes.
      this.assertActionable(p, options.allowLate === true);
      if (!p.appOpened) this.doOpen(p, options.deeplink);
      const signmethod = options.signmethod ?? 'BIOMETRIC';
      const networkId = typeof blob.tx.NetworkID === 'number' ? blob.tx.NetworkID : this.network.networkId;
      this.lifecycle.resolve(p, true, user, signmethod, decoded, {
        hex: blob.hex,
        txid: blob.txid,
        resolved_at: new Date().toISOString(),
        environment_nodeuri: this.network.nodeUri,
        environment_nodetype: this.network.networkLabel,
        environment_networkid: networkId,
        multisign_account: p.multisign ? (options.signAs ?? account.address) : '',
        account: blob.account,
        signer: account.address,
        signer_pubkey: blob.signingPubKey,
        approved_with: signmethod,
        user: user.id,
      });
      this.runtime.log('payload signed', { uuid, account: account.address, txid: blob.txid });
      return this.views.record(p);
    };
  }

  reject(uuid: string, options: XamanSandboxRejectOptions = {}): XamanPayloadRecord {
    const p = this.payloads.get(uuid);
    this.assertActionable(p, options.allowLate === true);
    const user = this.resolveUser(p, options, false);
    if (!p.appOpened) this.doOpen(p, options.deeplink);
    this.lifecycle.resolve(p, false, user, null, null, {
      hex: '',
      txid: '',
      resolved_at: new Date().toISOString(),
      environment_nodeuri: this.network.nodeUri,
      environment_nodetype: this.network.networkLabel,
      environment_networkid: this.network.networkId,
      multisign_account: '',
      account: '',
      signer: '',
      user: user?.id ?? '',
    });
    this.runtime.log('payload rejected', { uuid });
    return this.views.record(p);
  }

  /** A payload was pushed to `user`: their phone signs, rejects or ignores it after a delay. */
  runBehaviour(p: PayloadRec, user: UserRec): void {
    const b = this.users.behaviourOf(user);
    if (b.action === 'ignore') return;
    p.behaviourTimer = this.runtime.later(b.delayMs ?? 1000, () => {
      p.behaviourTimer = null;
      try {
        this.assertActionable(p, false);
        const userToken = user.id;
        this.doOpen(p, true);
        if (b.action === 'sign') this.sign(p.uuid, { userToken });
        else this.reject(p.uuid, { userToken });
      } catch (err) {
        this.runtime.log('behaviour could not act', {
          uuid: p.uuid,
          action: b.action,
          error: (err as Error).message,
        });
      }
    });
  }

  /** Refusals the Xaman app applies before letting a user act on a payload. */
  private assertActionable(p: PayloadRec, allowLate: boolean): void {
    if (p.resolved || p.resolving)
      throw new XamanSandboxError(409, 'ALREADY_RESOLVED', `Payload ${p.uuid} is already resolved`);
    if (p.cancelled) throw new XamanSandboxError(409, 'CANCELLED', `Payload ${p.uuid} was cancelled`);
    if (isExpired(p)) {
      const openedInTime = p.openedAt !== null && p.openedAt < p.expiresAt;
      if (!(allowLate && openedInTime)) {
        throw new XamanSandboxError(409, 'EXPIRED', `Payload ${p.uuid} is expired`);
      }
    }
  }

  private resolveUser(
    p: PayloadRec,
    opts: { userToken?: string; seed?: string },
    required: boolean,
  ): UserRec | null {
    if (opts.userToken !== undefined) return this.users.findUser(opts.userToken);
    // A wallet the sandbox did not know scans the QR: it becomes a (token-less) sandbox user.
    if (opts.seed !== undefined) return this.users.userForKey(walletFromSeed(opts.seed, 'seed'));
    if (p.userId) {
      const u = this.users.byId(p.userId);
      if (u) return u;
    }
    if (p.signers) {
      const owners = new Set<UserRec>();
      for (const s of p.signers) {
        const u = this.users.userOwning(s);
        if (u) owners.add(u);
      }
      if (owners.size === 1) return [...owners][0] ?? null;
    }
    if (!required) return null;
    throw new XamanSandboxError(
      400,
      'NO_USER',
      'The payload was not pushed to a sandbox user: give userToken (or seed) to say which wallet acts',
    );
  }

  /** Which of the user's accounts ("source" in Xaman) signs. */
  private signingAccount(p: PayloadRec, user: UserRec, options: XamanSandboxSignOptions): AccountRec {
    const allowed = (a: AccountRec) =>
      !p.signers || p.signers.includes(a.address) || options.ignoreSigners === true;
    if (options.account !== undefined) {
      const account = user.accounts.find((a) => a.address === options.account);
      if (!account) {
        throw new XamanSandboxError(400, 'ACCOUNT_NOT_OWNED', `The user holds no account ${options.account}`);
      }
      if (!allowed(account)) {
        throw new XamanSandboxError(
          403,
          'SIGNER_NOT_ALLOWED',
          `${account.address} is not in the payload's options.signers (${(p.signers ?? []).join(', ')})`,
        );
      }
      return account;
    }
    // Xaman's preselection (§6.1): only options.signers when set; otherwise the tx Account itself
    // when the user holds it (a multisig account signing for itself!), else the first account.
    const txAccount = p.requestJson.Account;
    const account =
      (p.signers ? undefined : user.accounts.find((a) => a.address === txAccount)) ??
      user.accounts.find(allowed);
    if (!account) {
      throw new XamanSandboxError(
        403,
        'SIGNER_NOT_ALLOWED',
        `The user holds none of the payload's options.signers (${(p.signers ?? []).join(', ')})`,
      );
    }
    return account;
  }

  private signingKey(account: AccountRec, options: XamanSandboxSignOptions): Wallet {
    if (options.keySeed !== undefined) return walletFromSeed(options.keySeed, 'keySeed').wallet;
    if (options.useRegularKey === true) {
      if (!account.regular) {
        throw new XamanSandboxError(
          400,
          'NO_REGULAR_KEY',
          `Account ${account.address} has no regular key in the sandbox`,
        );
      }
      return account.regular.wallet;
    }
    return account.master.wallet;
  }

  private doOpen(p: PayloadRec, deeplink: boolean | undefined): void {
    const viaApp = deeplink ?? p.pushed;
    if (!p.appOpened) {
      p.appOpened = true;
      p.openedAt = Date.now();
      p.openedByDeeplink = viaApp;
      p.origintype = p.pushed && viaApp ? 'PUSH_NOTIFICATION' : viaApp ? 'DEEP_LINK' : 'QR';
    }
    this.sockets.publish(p, { opened: true });
  }
}
