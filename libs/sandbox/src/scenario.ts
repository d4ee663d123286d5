import { ECDSA, Wallet } from 'xrpl';
import type { LedgerSandbox } from './ledger';
import type { XamanBehaviour, XamanSandbox } from './xaman';

/**
 * Builds ready-made multisig set-ups on the sandboxes with real keys and real transactions:
 * used by the end-to-end tests and by the `npm start` demo. SANDBOX ONLY.
 */
export interface SignerSpec {
  weight: number;
  algorithm?: 'ed25519' | 'secp256k1';
  /** Give the signer account a RegularKey (SetRegularKey on the ledger). */
  regularKey?: boolean;
  /** Disable the master key (needs regularKey). */
  masterDisabled?: boolean;
  /** Fund the signer account (default true). An unfunded signer may sign with its master key only. */
  funded?: boolean;
  /** What the signer's simulated phone does on a push (default: the sandbox default). */
  behaviour?: XamanBehaviour;
}

export interface MultisigSpec {
  quorum: number;
  signers: SignerSpec[];
  /** Tickets to create on the account (TicketCreate), for proposals side by side. */
  tickets?: number;
  /** Account balance in drops (default 1,000 XRP). */
  fundDrops?: bigint;
}

export interface ScenarioSigner {
  address: string;
  seed: string;
  weight: number;
  regularKeySeed: string | null;
  /** The Xaman sandbox user token of the signer's simulated phone. */
  userToken: string;
}

export interface MultisigSetup {
  account: { address: string; seed: string };
  quorum: number;
  signers: ScenarioSigner[];
  tickets: number[];
}

const XRP = 1_000_000n;

/** Signs with the wallet's own key and applies it in a closed ledger; throws unless tesSUCCESS. */
export async function applySingleSigned(
  ledger: LedgerSandbox,
  wallet: Wallet,
  tx: Record<string, unknown>,
): Promise<{ hash: string }> {
  const account = ledger.getAccount(wallet.classicAddress, 'current');
  if (!account) throw new Error(`${wallet.classicAddress} does not exist`);
  const filled = {
    ...tx,
    Account: wallet.classicAddress,
    Sequence: account.Sequence,
    Fee: '12',
    LastLedgerSequence: ledger.currentLedgerIndex() + 20,
    ...(ledger.networkId > 1024 ? { NetworkID: ledger.networkId } : {}),
  };
  const signed = wallet.sign(filled as never);
  const result = ledger.submit(signed.tx_blob);
  if (result.engine_result !== 'tesSUCCESS') {
    throw new Error(
      `${String(tx.TransactionType)} failed: ${result.engine_result} ${result.engine_result_message}`,
    );
  }
  ledger.acceptLedger();
  return { hash: signed.hash };
}

export async function setUpMultisigAccount(
  ledger: LedgerSandbox,
  xaman: XamanSandbox,
  spec: MultisigSpec,
): Promise<MultisigSetup> {
  const account = Wallet.generate(ECDSA.ed25519);
  await ledger.fund(account.classicAddress, spec.fundDrops ?? 1_000n * XRP);

  const signers: ScenarioSigner[] = [];
  for (const signerSpec of spec.signers) {
    const wallet = Wallet.generate(signerSpec.algorithm === 'secp256k1' ? ECDSA.secp256k1 : ECDSA.ed25519);
    let regular: Wallet | null = null;
    if (signerSpec.funded !== false) {
      await ledger.fund(wallet.classicAddress, 50n * XRP);
      if (signerSpec.regularKey || signerSpec.masterDisabled) {
        regular = Wallet.generate(ECDSA.secp256k1);
        await applySingleSigned(ledger, wallet, {
          TransactionType: 'SetRegularKey',
          RegularKey: regular.classicAddress,
        });
      }
      if (signerSpec.masterDisabled) {
        await applySingleSigned(ledger, wallet, { TransactionType: 'AccountSet', SetFlag: 4 });
      }
    }
    const user = xaman.createUser({
      accounts: [{ seed: wallet.seed!, ...(regular ? { regularKeySeed: regular.seed! } : {}) }],
      ...(signerSpec.behaviour ? { behaviour: signerSpec.behaviour } : {}),
    });
    signers.push({
      address: wallet.classicAddress,
      seed: wallet.seed!,
      weight: signerSpec.weight,
      regularKeySeed: regular?.seed ?? null,
      userToken: user.userToken!,
    });
  }

  await applySingleSigned(ledger, account, {
    TransactionType: 'SignerListSet',
    SignerQuorum: spec.quorum,
    SignerEntries: signers.map((s) => ({ SignerEntry: { Account: s.address, SignerWeight: s.weight } })),
  });
  if (spec.tickets) {
    await applySingleSigned(ledger, account, { TransactionType: 'TicketCreate', TicketCount: spec.tickets });
  }
  return {
    account: { address: account.classicAddress, seed: account.seed! },
    quorum: spec.quorum,
    signers,
    tickets: ledger.getTickets(account.classicAddress),
  };
}
