/**
 * How the simulated Xaman wallet turns a payload's `request_json` into a signed blob.
 *
 * Mirrors the Xaman app ([APP] Sign.mixin / ReviewTransactionModal, [LIB] xrpl-accountlib +
 * xrpl-sign-keypairs), see docs/sandbox-xaman.md and the reference §6.1 / §11:
 * - multisign: `Account` kept as given (set to the signer only when absent); Sequence, Fee,
 *   LastLedgerSequence and NetworkID are never filled; `SigningPubKey: ""`; one
 *   `Signers[{Signer:{Account: signAs, SigningPubKey, TxnSignature}}]` entry is appended (existing
 *   entries kept) and the array sorted by numeric AccountID.
 * - single sign: `Account` is overwritten with the signing account, the blob carries
 *   `SigningPubKey` + `TxnSignature`. `SignIn` is a pseudo transaction: its blob holds only
 *   `Account`, `SigningPubKey` and `TxnSignature` (no TransactionType).
 * The signature is computed exactly as xrpl.js `Wallet.sign(tx, signAs)` does
 * (`sign(encodeForMultisigning(tx, signAs), privateKey)`), but without xrpl.js' `validate()`, so that
 * a tampered or unusual transaction can still be signed, as a real wallet library would.
 */
import { decodeAccountID } from 'ripple-address-codec';
import { encode, encodeForMultisigning, encodeForSigning } from 'ripple-binary-codec';
import { sign as keypairSign } from 'ripple-keypairs';
import { hashes, Wallet } from 'xrpl';

export interface SignedBlob {
  hex: string;
  txid: string;
  /** The `Account` of the signed transaction (for multisign: the multisig account). */
  account: string;
  signingPubKey: string;
  tx: Record<string, unknown>;
}

export interface SignInput {
  requestJson: Record<string, unknown>;
  multisign: boolean;
  /** The wallet's "source" account (the account the user picked in Xaman). */
  sourceAddress: string;
  /** The key that signs (master key of the source account, its regular key, or anything else). */
  key: Wallet;
  /** multisign only: the address put in `Signer.Account` (Xaman: always the source account). */
  signAs?: string;
  /** Field overrides applied after Xaman's own processing (`null` deletes a field). */
  tamper?: Record<string, unknown> | undefined;
}

const PSEUDO_TYPES = new Set(['SignIn', 'PaymentChannelAuthorize']);

function applyTamper(tx: Record<string, unknown>, tamper: Record<string, unknown> | undefined): void {
  if (!tamper) return;
  for (const [field, value] of Object.entries(tamper)) {
    if (value === null) delete tx[field];
    else tx[field] = value;
  }
}

function accountIdHex(address: string): string {
  return Buffer.from(decodeAccountID(address)).toString('hex');
}

export function signPayloadTransaction(input: SignInput): SignedBlob {
  const tx: Record<string, unknown> = structuredClone(input.requestJson);
  delete tx.TxnSignature;
  if (input.multisign) {
    if (tx.Account === undefined || tx.Account === null || tx.Account === '')
      tx.Account = input.sourceAddress;
    tx.SigningPubKey = '';
    const existing = Array.isArray(tx.Signers) ? (tx.Signers as unknown[]) : [];
    delete tx.Signers;
    applyTamper(tx, input.tamper);
    delete tx.Signers;
    const signAs = input.signAs ?? input.sourceAddress;
    const TxnSignature = keypairSign(encodeForMultisigning(tx, signAs), input.key.privateKey);
    const signers = [
      ...existing,
      { Signer: { Account: signAs, SigningPubKey: input.key.publicKey, TxnSignature } },
    ] as Array<{ Signer: { Account: string } }>;
    signers.sort((a, b) => {
      const x = accountIdHex(a.Signer.Account);
      const y = accountIdHex(b.Signer.Account);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    tx.Signers = signers;
  } else {
    const pseudo = PSEUDO_TYPES.has(String(tx.TransactionType));
    if (tx.TransactionType === 'SignIn') {
      for (const k of Object.keys(tx)) delete tx[k];
    }
    tx.Account = input.sourceAddress;
    if (!pseudo && tx.Fee === undefined) tx.Fee = '12';
    tx.SigningPubKey = input.key.publicKey;
    applyTamper(tx, input.tamper);
    delete tx.Signers;
    delete tx.TxnSignature;
    tx.TxnSignature = keypairSign(encodeForSigning(tx), input.key.privateKey);
  }
  const hex = encode(tx);
  return {
    hex,
    txid: hashes.hashSignedTx(hex),
    account: typeof tx.Account === 'string' ? tx.Account : '',
    signingPubKey: input.key.publicKey,
    tx,
  };
}
