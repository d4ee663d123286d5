/**
 * Real xrpl.js wallets from fixed entropy, and helpers to make real (and deliberately broken)
 * signer blobs. Shared by the unit specs and test/bench/multisign.bench.ts.
 */
import { encode, encodeForMultisigning } from 'ripple-binary-codec';
import { sign as keypairsSign } from 'ripple-keypairs';
import { ECDSA, Wallet, type Transaction } from 'xrpl';
import type { PreparedTransaction, PrepareFacts, SignerFacts, SignerList } from '../src';

export function walletFromByte(byte: number, algorithm: 'ed25519' | 'secp256k1', index = 0): Wallet {
  const entropy = new Uint8Array(16).fill(byte);
  entropy[0] = index & 0xff;
  entropy[1] = (index >> 8) & 0xff;
  return Wallet.fromEntropy(entropy, {
    algorithm: algorithm === 'ed25519' ? ECDSA.ed25519 : ECDSA.secp256k1,
  });
}

/** The multisig (treasury) account. */
export const treasury = walletFromByte(0x01, 'secp256k1');
/** ed25519 signer, master key. */
export const alice = walletFromByte(0x02, 'ed25519');
/** secp256k1 signer, master key. */
export const bob = walletFromByte(0x03, 'secp256k1');
/** secp256k1 signer that signs with its RegularKey (an ed25519 key). */
export const carol = walletFromByte(0x04, 'secp256k1');
export const carolRegularKey = walletFromByte(0x05, 'ed25519');
/** Unfunded (phantom) signer: master key only. */
export const dave = walletFromByte(0x06, 'secp256k1');
/** ed25519 signer with master disabled and a secp256k1 RegularKey. */
export const erin = walletFromByte(0x07, 'ed25519');
export const erinRegularKey = walletFromByte(0x08, 'secp256k1');
/** Valid wallet that is not in the SignerList. */
export const mallory = walletFromByte(0x09, 'secp256k1');

export const destination = walletFromByte(0x0a, 'ed25519').classicAddress;

export const signerList: SignerList = {
  quorum: 3,
  entries: [
    { account: alice.classicAddress, weight: 1 },
    { account: bob.classicAddress, weight: 1 },
    { account: carol.classicAddress, weight: 2 },
    { account: dave.classicAddress, weight: 1 },
    { account: erin.classicAddress, weight: 1 },
  ],
};

export const funded: SignerFacts = { funded: true, masterDisabled: false, regularKey: null };
export const facts: Record<string, SignerFacts> = {
  [alice.classicAddress]: funded,
  [bob.classicAddress]: funded,
  [carol.classicAddress]: { funded: true, masterDisabled: false, regularKey: carolRegularKey.classicAddress },
  [dave.classicAddress]: { funded: false, masterDisabled: false, regularKey: null },
  [erin.classicAddress]: { funded: true, masterDisabled: true, regularKey: erinRegularKey.classicAddress },
  [mallory.classicAddress]: funded,
};

export function ctxFor(account: string, list: SignerList = signerList) {
  return { signerList: list, signerFacts: facts[account] ?? funded };
}

export const paymentTemplate = {
  TransactionType: 'Payment',
  Destination: destination,
  Amount: '25000000',
  DestinationTag: 7,
  Flags: 0,
  Memos: [{ Memo: { MemoType: '696E766F696365', MemoData: '494E562D3432' } }],
} as const;

export const baseFacts: PrepareFacts = {
  account: treasury.classicAddress,
  sequence: { ticketSequence: 42 },
  fee: { baseFeeDrops: 10 },
  signatureCount: 3,
  lastLedgerSequence: 9_000_000,
};

/** A signer blob exactly as Xaman (xrpl.js underneath) returns it. */
export function signBlob(prepared: PreparedTransaction, wallet: Wallet, signAs?: string): string {
  const tx = structuredClone(prepared.txJson) as unknown as Transaction;
  return wallet.sign(tx, signAs ?? true).tx_blob;
}

/** A blob with an arbitrary Signer (any fields, any signature bytes) over any tx JSON. */
export function blobWithSigner(txJson: Record<string, unknown>, signer: Record<string, unknown>): string {
  return encode({ ...txJson, Signers: [{ Signer: signer }] });
}

/** Signature by `wallet`'s key over `txJson` multisigned as `account` (ripple-keypairs). */
export function rawSignature(txJson: Record<string, unknown>, wallet: Wallet, account: string): string {
  return keypairsSign(encodeForMultisigning(txJson, account), wallet.privateKey);
}

export const SECP_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function derInt(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = '00' + hex;
  return '02' + (hex.length / 2).toString(16).padStart(2, '0') + hex;
}

export function derSignature(r: bigint, s: bigint): string {
  const body = derInt(r) + derInt(s);
  return ('30' + (body.length / 2).toString(16).padStart(2, '0') + body).toUpperCase();
}

export function parseDer(der: string): { r: bigint; s: bigint } {
  const bytes = Buffer.from(der, 'hex');
  const rLength = bytes[3]!;
  const r = bytes.subarray(4, 4 + rLength);
  const s = bytes.subarray(6 + rLength);
  return { r: BigInt('0x' + r.toString('hex')), s: BigInt('0x' + s.toString('hex')) };
}

/** `count` deterministic signers, alternating ed25519 and secp256k1. */
export function manySigners(count: number): Wallet[] {
  return Array.from({ length: count }, (_, i) =>
    walletFromByte(0x40, i % 2 === 0 ? 'ed25519' : 'secp256k1', i + 1),
  );
}
