/**
 * @app/multisign — the trust core: pure functions (no Nest, no I/O, no network) that prepare the
 * exact transaction signers sign, verify each returned signer blob by rippled's rules, account
 * for the quorum, and combine the smallest sufficient set into a submittable blob.
 *
 * Flow:
 *   const prepared = prepare(template, facts);                 // throws MultisignError
 *   // send prepared.txJson to Xaman (multisign: true) for each signer
 *   const result = verifySignerBlob(prepared, blobHex, signer, { signerList, signerFacts });
 *   if (!result.ok) record(result.code);                       // stable refusal code
 *   quorumProgress(valid, signerList).reached / isQuorumUnreachable(signerList, refusedOrRejected)
 *   const chosen = selectSignatures(valid, signerList, prepared.maxSignatures);
 *   const { blob, hash } = combine(prepared, chosen!);         // throws MultisignError
 *
 * At boot: `const backend = cryptoBackend(); log(backend.description)`; if `backend.fallback`,
 * log at error level (verification runs on pure JS, ~20x slower). See docs/multisign.md.
 */
export { prepare, quoteFee, MAX_SIGNERS, NETWORK_ID_THRESHOLD, type FeeQuote } from './prepare';
export { verifySignerBlob } from './verify';
export {
  quorumProgress,
  isQuorumUnreachable,
  selectSignatures,
  type QuorumProgress,
  type SignerRef,
} from './quorum';
export { combine } from './combine';
export { cryptoBackend, type CryptoBackendInfo } from './crypto-backend';
export {
  MultisignError,
  PREPARE_ERROR_CODES,
  BLOB_REFUSAL_CODES,
  COMBINE_ERROR_CODES,
  USAGE_ERROR_CODES,
  type MultisignErrorCode,
  type PrepareErrorCode,
  type BlobRefusalCode,
  type CombineErrorCode,
  type UsageErrorCode,
} from './multisign.errors';
export type {
  TransactionTemplate,
  FeeBasis,
  PrepareFacts,
  PreparedTransaction,
  SignerEntry,
  SignerList,
  SignerFacts,
  VerifyContext,
  VerifiedSignature,
  VerifyResult,
  BlobRefusal,
  CombinedTransaction,
} from './multisign.types';
