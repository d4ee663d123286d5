import type { BlobRefusalCode } from './multisign.errors';

/** A transaction template as the operator wrote it (XRPL JSON, as in xrpl.js `Transaction`). */
export type TransactionTemplate = Readonly<Record<string, unknown>>;

/** The fee basis, in drops. Fee = ceil(base x loadFactor x cushion) x (1 + signatureCount), capped. */
export interface FeeBasis {
  /** Reference base fee in drops (server_info validated_ledger.base_fee_xrp x 1e6, usually 10). */
  readonly baseFeeDrops: number | string;
  /** server_info load_factor (1 when the server is not loaded). Default 1. */
  readonly loadFactor?: number;
  /** Safety margin multiplier >= 1 (xrpl.js autofill uses 1.2). Default 1. */
  readonly cushion?: number;
  /** Upper bound for the Fee in drops; prepare refuses (FEE_CAP_TOO_LOW) if it would go below rippled's minimum. */
  readonly maxFeeDrops?: number | string;
}

/** What the service read from the ledger and decided, which prepare() writes into the transaction. */
export interface PrepareFacts {
  /** The multisig account (classic r-address). */
  readonly account: string;
  /** The account Sequence to use, or a Ticket (then `Sequence: 0` + `TicketSequence`). */
  readonly sequence: number | { readonly ticketSequence: number };
  readonly fee: FeeBasis;
  /** How many signatures the Fee must pay for (1..32): the most signatures combine() may include. */
  readonly signatureCount: number;
  /** Absolute LastLedgerSequence covering the whole signing window. */
  readonly lastLedgerSequence: number;
  /** The network's NetworkID; written into the tx only when > 1024 (rippled rejects it otherwise). */
  readonly networkId?: number;
}

/**
 * The exact transaction every signer signs. Plain JSON (safe to persist and reload); treat as
 * immutable. `encoded` is the authority: verification and combination work on these bytes.
 */
export interface PreparedTransaction {
  /** The canonical XRPL JSON (decode(encode(tx))): send it as Xaman's `txjson` unchanged. */
  readonly txJson: Readonly<Record<string, unknown>>;
  /** Canonical binary encoding (uppercase hex) of txJson, without Signers. */
  readonly encoded: string;
  readonly account: string;
  /** The Fee field, in drops. */
  readonly feeDrops: string;
  /** How many signatures the Fee covers; combine() refuses more. */
  readonly maxSignatures: number;
  readonly sequence: number;
  readonly ticketSequence: number | null;
  readonly lastLedgerSequence: number;
  readonly networkId: number | null;
}

export interface SignerEntry {
  readonly account: string;
  readonly weight: number;
}

/** The account's SignerList as read from a validated ledger. */
export interface SignerList {
  readonly quorum: number;
  readonly entries: readonly SignerEntry[];
}

/** Ledger facts about the signer account the blob was requested from. */
export interface SignerFacts {
  /** Does the signer's AccountRoot exist? (An unfunded signer may only use its master key.) */
  readonly funded: boolean;
  /** lsfDisableMaster set on the signer's AccountRoot. */
  readonly masterDisabled: boolean;
  /** The signer's current RegularKey (r-address), if any. */
  readonly regularKey?: string | null;
}

export interface VerifyContext {
  readonly signerList: SignerList;
  readonly signerFacts: SignerFacts;
}

/** A signature that passed every rule; the only input combine() accepts. */
export interface VerifiedSignature {
  /** The signer (Signer.Account). */
  readonly account: string;
  /** Uppercase hex, 33 bytes. */
  readonly signingPubKey: string;
  /** Uppercase hex (DER for secp256k1, 64 bytes for ed25519). */
  readonly txnSignature: string;
  /** The signer's weight in the SignerList at verification time. */
  readonly weight: number;
  /** Master key of the signer account, or its RegularKey. */
  readonly keyType: 'master' | 'regular';
  readonly algorithm: 'ed25519' | 'secp256k1';
}

export interface BlobRefusal {
  readonly ok: false;
  readonly code: BlobRefusalCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export type VerifyResult = { readonly ok: true; readonly signature: VerifiedSignature } | BlobRefusal;

export interface CombinedTransaction {
  /** Uppercase hex of the multisigned transaction, ready for `submit`. */
  readonly blob: string;
  /** Transaction hash (uppercase hex) of that exact blob. Multisigned hashes are malleable: also track Account + Sequence/Ticket. */
  readonly hash: string;
  /** The decoded transaction, Signers included. */
  readonly tx: Readonly<Record<string, unknown>>;
}
