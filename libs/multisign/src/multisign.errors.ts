/**
 * Stable codes for everything this library refuses. Codes never change meaning; new cases get new
 * codes. `MultisignError` is thrown by `prepare` and `combine` (and by `verifySignerBlob` only for
 * caller mistakes such as an inconsistent PreparedTransaction); a bad signer blob is never thrown,
 * it is returned as a `BlobRefusal` carrying one of the `BlobRefusalCode`s.
 */

/** Reasons `prepare()` refuses a template or its facts. */
export const PREPARE_ERROR_CODES = [
  /** The template is not a JSON object, or a value in it is `null`. */
  'TEMPLATE_NOT_OBJECT',
  /** The template already carries `Signers`. */
  'TEMPLATE_HAS_SIGNERS',
  /** The template already carries a top-level `TxnSignature`. */
  'TEMPLATE_HAS_TXN_SIGNATURE',
  /** The template carries a non-empty `SigningPubKey` (it would be single-signed). */
  'TEMPLATE_HAS_SIGNING_PUBKEY',
  /** The template names another `Account` than the multisig account. */
  'TEMPLATE_ACCOUNT_MISMATCH',
  /** The template has both a non-zero `Sequence` and a `TicketSequence` (rippled: temSEQ_AND_TICKET). */
  'TEMPLATE_SEQUENCE_AND_TICKET',
  /** The template sets a field prepare() fixes (Sequence, TicketSequence, Fee, LastLedgerSequence, NetworkID) to another value. */
  'TEMPLATE_FIELD_CONFLICT',
  /** The template carries a field that is not signed in a multisigned tx (BatchSigners, CounterpartySignature, ...). */
  'TEMPLATE_UNSUPPORTED_FIELD',
  /** A field of the template would not survive encoding (unknown or non-serialised field, lower-case key). */
  'TEMPLATE_FIELD_DROPPED',
  /** xrpl.js `validate()` or the binary codec rejects the transaction (details.reason says why). */
  'TEMPLATE_INVALID',
  /** The facts (account, sequence, fee basis, signatureCount, lastLedgerSequence, networkId) are malformed. */
  'FACTS_INVALID',
  /** `maxFeeDrops` is below the minimum rippled requires for `signatureCount` signatures at the given load. */
  'FEE_CAP_TOO_LOW',
  /** The serialized `Memos` exceed 1 KB (rippled's local check: temINVALID "memo too large"). */
  'TEMPLATE_MEMO_TOO_LARGE',
  /** A Payment of XRP to the account itself (rippled: temREDUNDANT). */
  'TEMPLATE_PAYMENT_TO_SELF',
  /** tfPartialPayment on an XRP-to-XRP Payment (rippled: temBAD_SEND_XRP_PARTIAL). */
  'TEMPLATE_XRP_PARTIAL_PAYMENT',
  /** SendMax on an XRP-to-XRP Payment (rippled: temBAD_SEND_XRP_MAX). */
  'TEMPLATE_XRP_SENDMAX',
] as const;

/** Reasons `verifySignerBlob()` refuses a blob. */
export const BLOB_REFUSAL_CODES = [
  /** Not hex, odd length, empty, or does not decode as an XRPL transaction. */
  'BLOB_MALFORMED',
  /** Top-level `SigningPubKey` missing or non-empty, or a top-level `TxnSignature` is present. */
  'BLOB_NOT_MULTISIGNED',
  /** `Signers` missing or not exactly one entry. */
  'BLOB_SIGNER_COUNT',
  /** The `Signer` object lacks `Account`/`SigningPubKey`/`TxnSignature` or carries other fields. */
  'BLOB_SIGNER_MALFORMED',
  /** The transaction without `Signers` differs from the prepared one (details.fields names them). */
  'BLOB_TX_MISMATCH',
  /** Same transaction, but not in canonical binary form (re-encoding changes the bytes). */
  'BLOB_NOT_CANONICAL',
  /** `Signer.Account` is not the signer this request was sent to. */
  'SIGNER_ACCOUNT_MISMATCH',
  /** `Signer.Account` is the multisig account itself (rippled: "Invalid multisigner."). */
  'SIGNER_IS_ACCOUNT',
  /** `Signer.SigningPubKey` is not a 33-byte ED/02/03 key, or not a point on the curve. */
  'SIGNING_PUBKEY_MALFORMED',
  /** Signature encoding is not what rippled accepts: not strict DER / R or S out of range (secp256k1), not 64 bytes or S >= L (ed25519). */
  'SIGNATURE_MALFORMED',
  /** secp256k1 signature with high S (rippled requires fully canonical signatures). */
  'SIGNATURE_NOT_FULLY_CANONICAL',
  /** The signature does not verify over the multisigning data (SMT\0 + tx + signer AccountID). */
  'SIGNATURE_INVALID',
  /** Signed with the master key, but the signer has lsfDisableMaster (rippled: tefMASTER_DISABLED). */
  'SIGNER_MASTER_DISABLED',
  /** The key is neither the signer's master key nor its current RegularKey (rippled: tefBAD_SIGNATURE). */
  'SIGNER_KEY_NOT_AUTHORISED',
  /** The signer account is not funded, so only its master key may sign (rippled: tefBAD_SIGNATURE). */
  'SIGNER_UNFUNDED_NON_MASTER_KEY',
  /** The signer is not an entry of the SignerList (rippled: tefBAD_SIGNATURE). */
  'SIGNER_NOT_IN_LIST',
] as const;

/** Reasons `combine()` refuses. */
export const COMBINE_ERROR_CODES = [
  /** No signatures, or more than 32. */
  'COMBINE_SIGNER_COUNT',
  /** More signatures than the prepared Fee covers. */
  'COMBINE_FEE_TOO_LOW',
  /** Two different signatures for the same signer account. */
  'COMBINE_DUPLICATE_SIGNER',
  /** A signature is by the multisig account itself. */
  'COMBINE_SELF_SIGNER',
  /** A signature fails re-verification against the prepared transaction (e.g. loaded from storage). */
  'COMBINE_SIGNATURE_INVALID',
] as const;

/** Caller mistakes that are not about the template or the blob. */
export const USAGE_ERROR_CODES = [
  /** The PreparedTransaction's txJson does not encode to its `encoded` bytes (altered after prepare). */
  'PREPARED_INCONSISTENT',
  /** A signer list, signer facts, address or similar argument is malformed. */
  'INVALID_ARGUMENT',
] as const;

export type PrepareErrorCode = (typeof PREPARE_ERROR_CODES)[number];
export type BlobRefusalCode = (typeof BLOB_REFUSAL_CODES)[number];
export type CombineErrorCode = (typeof COMBINE_ERROR_CODES)[number];
export type UsageErrorCode = (typeof USAGE_ERROR_CODES)[number];
export type MultisignErrorCode = PrepareErrorCode | CombineErrorCode | UsageErrorCode;

/** Typed error with a stable `code` and structured `details` (never whole blobs or secrets). */
export class MultisignError extends Error {
  override readonly name = 'MultisignError';

  constructor(
    readonly code: MultisignErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}
