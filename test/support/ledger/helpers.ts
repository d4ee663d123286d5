import { Client, ECDSA, SubmittableTransaction, Wallet, multisign } from 'xrpl';
import { encode, encodeForSigning } from 'ripple-binary-codec';
import { sign as keypairSign } from 'ripple-keypairs';

import { GENESIS, LedgerSandbox, LedgerSandboxOptions, startLedgerSandbox } from '@app/sandbox';

export const XRP = 1_000_000;

export interface Harness {
  sandbox: LedgerSandbox;
  client: Client;
}

/** Starts a sandbox on a random port (manual closes by default) and connects an xrpl.Client. */
export async function startHarness(options: LedgerSandboxOptions = {}): Promise<Harness> {
  const sandbox = await startLedgerSandbox({ port: 0, closeIntervalMs: 0, ...options });
  const client = new Client(sandbox.url, { timeout: 5000 });
  await client.connect();
  return { sandbox, client };
}

export async function stopHarness(h: Harness | undefined): Promise<void> {
  if (!h) return;
  if (h.client.isConnected()) await h.client.disconnect();
  await h.sandbox.close();
}

/** A deterministic-ish fresh wallet (secp256k1 unless asked otherwise). */
export function newWallet(algorithm: 'secp256k1' | 'ed25519' = 'secp256k1'): Wallet {
  return Wallet.generate(algorithm === 'ed25519' ? ECDSA.ed25519 : ECDSA.secp256k1);
}

export const genesisWallet = (): Wallet => Wallet.fromSeed(GENESIS.seed);

/** Sign with `wallet`, submit, close a ledger; returns the engine result of the submit. */
export async function submitAndClose(
  h: Harness,
  tx: SubmittableTransaction,
  wallet: Wallet,
): Promise<{ engine_result: string; hash: string }> {
  const prepared = await h.client.autofill(tx);
  const signed = wallet.sign(prepared);
  const res = await h.client.submit(signed.tx_blob);
  h.sandbox.acceptLedger();
  return { engine_result: res.result.engine_result, hash: signed.hash };
}

/** Fund `n` wallets from genesis. */
export async function fundWallets(h: Harness, wallets: Wallet[], drops = 100 * XRP): Promise<void> {
  for (const w of wallets) await h.sandbox.fund(w.address, drops, { close: false });
  h.sandbox.acceptLedger();
}

/** Sets a SignerList on `account` (single-signed with its master key). */
export async function setSignerList(
  h: Harness,
  account: Wallet,
  quorum: number,
  entries: Array<{ account: string; weight: number }>,
): Promise<string> {
  const r = await submitAndClose(
    h,
    {
      TransactionType: 'SignerListSet',
      Account: account.address,
      SignerQuorum: quorum,
      SignerEntries: entries.map((e) => ({ SignerEntry: { Account: e.account, SignerWeight: e.weight } })),
    },
    account,
  );
  return r.engine_result;
}

/** Each signer signs the prepared tx (`wallet.sign(tx, true)`), then `multisign` combines. */
export function multisignWith(tx: SubmittableTransaction, signers: Array<Wallet | [Wallet, string]>): string {
  const blobs = signers.map((s) =>
    Array.isArray(s) ? s[0].sign(tx, s[1]).tx_blob : s.sign(tx, true).tx_blob,
  );
  return multisign(blobs);
}

/** Catches an xrpl.js RippledError and returns its response data. */
export async function rpcError(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    const data = (e as { data?: Record<string, unknown> }).data;
    if (data) return data;
    throw e;
  }
  throw new Error('expected an RPC error');
}

export interface MultisigFixture {
  ms: Wallet;
  signers: Wallet[];
  dest: Wallet;
}

/**
 * A funded multisig account with a SignerList of `signers` (weights default 1), quorum `quorum`.
 * Signers are funded unless `fundSigners: false` (phantom signers).
 */
export async function multisigFixture(
  h: Harness,
  opts: { quorum?: number; weights?: number[]; fundSigners?: boolean } = {},
): Promise<MultisigFixture> {
  const weights = opts.weights ?? [1, 1, 1];
  const ms = newWallet();
  const signers = weights.map((_, i) => newWallet(i % 2 === 0 ? 'ed25519' : 'secp256k1'));
  const dest = newWallet();
  await fundWallets(h, opts.fundSigners === false ? [ms] : [ms, ...signers]);
  const r = await setSignerList(
    h,
    ms,
    opts.quorum ?? 2,
    signers.map((s, i) => ({ account: s.address, weight: weights[i] ?? 1 })),
  );
  if (r !== 'tesSUCCESS') throw new Error(`SignerListSet failed: ${r}`);
  return { ms, signers, dest };
}

/** Submit a blob with the raw `submit` command (no client-side checks), returning the result. */
export async function submitBlob(h: Harness, txBlob: string): Promise<Record<string, any>> {
  const res = await h.client.request({ command: 'submit', tx_blob: txBlob });
  return res.result;
}

/** Single-sign without xrpl.js' client-side validation (to send what xrpl.js would refuse). */
export function signRaw(tx: Record<string, unknown>, wallet: Wallet): string {
  const unsigned = { ...tx, SigningPubKey: wallet.publicKey };
  const TxnSignature = keypairSign(encodeForSigning(unsigned), wallet.privateKey);
  return encode({ ...unsigned, TxnSignature });
}
