/**
 * Simulated Xaman users: the accounts (wallets with real keys) each holds, their user tokens for
 * the application, and what their phone does when a payload is pushed (behaviour).
 */
import { randomUUID } from 'node:crypto';
import { Wallet } from 'xrpl';

import { XamanSandboxError } from './errors';
import { isRecord, type AccountRec, type KeyRec, type TokenRec, type UserRec } from './records';
import type { Runtime } from './runtime';
import type {
  XamanBehaviour,
  XamanSandboxAccountInfo,
  XamanSandboxAccountInput,
  XamanSandboxCreateUserInput,
  XamanSandboxUserInfo,
} from './types';

export function walletFromSeed(seed: string, field: string): KeyRec {
  try {
    return { wallet: Wallet.fromSeed(seed), seed };
  } catch {
    throw new XamanSandboxError(400, 'INVALID_SEED', `${field} is not a valid XRPL seed`);
  }
}

function generateKey(algorithm: 'ed25519' | 'secp256k1' | undefined): KeyRec {
  const wallet = Wallet.generate(
    algorithm === 'secp256k1' ? ('ecdsa-secp256k1' as never) : ('ed25519' as never),
  );
  return { wallet, seed: wallet.seed ?? '' };
}

export class UserDirectory {
  private readonly users = new Map<string, UserRec>();
  private readonly tokens = new Map<string, TokenRec>();

  constructor(
    private readonly runtime: Runtime,
    private readonly tokenLifetimeMs: number,
    private defaultBehaviourValue: XamanBehaviour,
  ) {}

  get size(): number {
    return this.users.size;
  }

  get defaultBehaviour(): XamanBehaviour {
    return this.defaultBehaviourValue;
  }

  /** The behaviour the user's phone follows (its own, else the sandbox default). */
  behaviourOf(user: UserRec): XamanBehaviour {
    return user.behaviour ?? this.defaultBehaviourValue;
  }

  byId(userId: string): UserRec | undefined {
    return this.users.get(userId);
  }

  token(userToken: string): TokenRec | undefined {
    return this.tokens.get(userToken);
  }

  tokenActive(t: TokenRec | undefined): boolean {
    return !!t && Date.now() < t.expiresAt;
  }

  /** The token last associated with a payload (`application.issued_user_token`). */
  issuedUserToken(payloadUuid: string): string | null {
    for (const t of this.tokens.values()) if (t.lastPayloadUuid === payloadUuid) return t.token;
    return null;
  }

  findUser(userTokenOrId: string): UserRec {
    const byId = this.users.get(userTokenOrId);
    if (byId) return byId;
    const tok = this.tokens.get(userTokenOrId);
    const user = tok ? this.users.get(tok.userId) : undefined;
    if (!user)
      throw new XamanSandboxError(404, 'USER_NOT_FOUND', `No sandbox user with token or id ${userTokenOrId}`);
    return user;
  }

  userOwning(address: string): UserRec | undefined {
    for (const u of this.users.values()) if (u.accounts.some((a) => a.address === address)) return u;
    return undefined;
  }

  /** The user holding a seed's account; a wallet the sandbox did not know becomes a (token-less) user. */
  userForKey(key: KeyRec): UserRec {
    const owner = this.userOwning(key.wallet.classicAddress);
    if (owner) return owner;
    const user: UserRec = {
      id: randomUUID(),
      accounts: [{ address: key.wallet.classicAddress, master: key, regular: null }],
      behaviour: null,
      token: null,
    };
    this.users.set(user.id, user);
    return user;
  }

  issueOrExtendToken(user: UserRec, payloadUuid: string | null, mint: boolean): TokenRec | null {
    const now = Date.now();
    const current = user.token ? this.tokens.get(user.token) : undefined;
    if (current && this.tokenActive(current)) {
      current.expiresAt = now + this.tokenLifetimeMs;
      if (payloadUuid) current.lastPayloadUuid = payloadUuid;
      return current;
    }
    if (!mint) return null;
    const rec: TokenRec = {
      token: randomUUID(),
      userId: user.id,
      issued: Math.floor(now / 1000),
      expiresAt: now + this.tokenLifetimeMs,
      lastPayloadUuid: payloadUuid,
    };
    this.tokens.set(rec.token, rec);
    user.token = rec.token;
    return rec;
  }

  private buildAccount(input: XamanSandboxAccountInput): AccountRec {
    const master = input.seed ? walletFromSeed(input.seed, 'seed') : generateKey(input.algorithm);
    const regular = input.regularKeySeed ? walletFromSeed(input.regularKeySeed, 'regularKeySeed') : null;
    return { address: master.wallet.classicAddress, master, regular };
  }

  private userInfo(user: UserRec): XamanSandboxUserInfo {
    const tok = user.token ? this.tokens.get(user.token) : undefined;
    const key = (k: KeyRec) => ({
      address: k.wallet.classicAddress,
      seed: k.seed,
      publicKey: k.wallet.publicKey,
    });
    return {
      userId: user.id,
      userToken: user.token,
      tokenActive: this.tokenActive(tok),
      tokenIssued: tok ? tok.issued : null,
      tokenExpires: tok ? Math.floor(tok.expiresAt / 1000) : null,
      accounts: user.accounts.map((a): XamanSandboxAccountInfo => ({
        ...key(a.master),
        regularKey: a.regular ? key(a.regular) : null,
      })),
      behaviour: { ...this.behaviourOf(user) },
    };
  }

  createUser(input: XamanSandboxCreateUserInput = {}): XamanSandboxUserInfo {
    const inputs = input.accounts && input.accounts.length > 0 ? input.accounts : [{}];
    const accounts = inputs.map((a) => this.buildAccount(a));
    for (const a of accounts) {
      if (this.userOwning(a.address)) {
        throw new XamanSandboxError(
          409,
          'ACCOUNT_TAKEN',
          `Account ${a.address} already belongs to a sandbox user`,
        );
      }
    }
    if (input.behaviour) this.checkBehaviour(input.behaviour);
    const user: UserRec = { id: randomUUID(), accounts, behaviour: input.behaviour ?? null, token: null };
    this.users.set(user.id, user);
    if (input.withToken !== false) this.issueOrExtendToken(user, null, true);
    this.runtime.log('user created', { userId: user.id, accounts: accounts.map((a) => a.address) });
    return this.userInfo(user);
  }

  addAccount(userTokenOrId: string, input: XamanSandboxAccountInput = {}): XamanSandboxUserInfo {
    const user = this.findUser(userTokenOrId);
    const account = this.buildAccount(input);
    if (this.userOwning(account.address)) {
      throw new XamanSandboxError(
        409,
        'ACCOUNT_TAKEN',
        `Account ${account.address} already belongs to a sandbox user`,
      );
    }
    user.accounts.push(account);
    return this.userInfo(user);
  }

  setRegularKey(userTokenOrId: string, address: string, regularKeySeed: string | null): XamanSandboxUserInfo {
    const user = this.findUser(userTokenOrId);
    const account = user.accounts.find((a) => a.address === address);
    if (!account)
      throw new XamanSandboxError(404, 'ACCOUNT_NOT_OWNED', `The user holds no account ${address}`);
    account.regular = regularKeySeed === null ? null : walletFromSeed(regularKeySeed, 'regularKeySeed');
    return this.userInfo(user);
  }

  listUsers(): XamanSandboxUserInfo[] {
    return [...this.users.values()].map((u) => this.userInfo(u));
  }

  getUser(userTokenOrId: string): XamanSandboxUserInfo {
    return this.userInfo(this.findUser(userTokenOrId));
  }

  private checkBehaviour(b: XamanBehaviour): void {
    if (!isRecord(b) || !['sign', 'reject', 'ignore'].includes(b.action)) {
      throw new XamanSandboxError(
        400,
        'INVALID_BODY',
        'behaviour.action must be "sign", "reject" or "ignore"',
      );
    }
    if (b.delayMs !== undefined && (typeof b.delayMs !== 'number' || !(b.delayMs >= 0))) {
      throw new XamanSandboxError(400, 'INVALID_BODY', 'behaviour.delayMs must be a number >= 0');
    }
  }

  setBehaviour(userTokenOrId: string, behaviour: XamanBehaviour): XamanSandboxUserInfo {
    const user = this.findUser(userTokenOrId);
    this.checkBehaviour(behaviour);
    user.behaviour = {
      action: behaviour.action,
      ...(behaviour.delayMs !== undefined ? { delayMs: behaviour.delayMs } : {}),
    };
    return this.userInfo(user);
  }

  setDefaultBehaviour(behaviour: XamanBehaviour): void {
    this.checkBehaviour(behaviour);
    this.defaultBehaviourValue = { ...behaviour };
  }

  expireUserToken(userTokenOrId: string): XamanSandboxUserInfo {
    const user = this.findUser(userTokenOrId);
    const tok = user.token ? this.tokens.get(user.token) : undefined;
    if (!tok) throw new XamanSandboxError(409, 'NO_TOKEN', 'The user has no token');
    tok.expiresAt = Math.min(tok.expiresAt, Date.now() - 1);
    return this.userInfo(user);
  }
}
