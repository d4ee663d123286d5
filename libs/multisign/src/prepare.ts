import { decode, encode } from 'ripple-binary-codec';
import { convertTxFlagsToNumber, validate } from 'xrpl';
import { localChecks } from './local-checks';
import { MultisignError, type PrepareErrorCode } from './multisign.errors';
import type { FeeBasis, PreparedTransaction, PrepareFacts, TransactionTemplate } from './multisign.types';
import { isClassicAddress, layoutOf, rememberPreparedBytes, unsignedFields } from './xrpl-binary';

/** rippled: at most 32 Signers (ExpandedSignerList). */
export const MAX_SIGNERS = 32;
/** NetworkID must be present above this id and absent at or below it (rippled preflight0). */
export const NETWORK_ID_THRESHOLD = 1024;
const UINT32_MAX = 0xffffffff;
const TF_INNER_BATCH_TXN = 0x40000000;

function refuse(code: PrepareErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new MultisignError(code, message, details);
}

function isUInt32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= UINT32_MAX;
}

function positiveDrops(value: unknown, name: string): number {
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) {
    refuse('FACTS_INVALID', `${name} must be a positive integer number of drops`, { field: name });
  }
  return n;
}

export interface FeeQuote {
  /** The Fee to write, in drops. */
  readonly feeDrops: number;
  /** rippled's minimum for that many signatures at that load: ceil(base x loadFactor x (1 + n)). */
  readonly minimumDrops: number;
}

/**
 * Fee for a multisigned tx carrying `signatureCount` signatures (rippled Transactor::calculateBaseFee:
 * base x (1 + signatures), load-scaled): ceil(base x loadFactor x cushion) x (1 + signatureCount),
 * capped at maxFeeDrops. Refuses FEE_CAP_TOO_LOW when the cap is below rippled's minimum.
 */
export function quoteFee(basis: FeeBasis, signatureCount: number): FeeQuote {
  const base = positiveDrops(basis.baseFeeDrops, 'fee.baseFeeDrops');
  const loadFactor = basis.loadFactor ?? 1;
  const cushion = basis.cushion ?? 1;
  if (typeof loadFactor !== 'number' || !Number.isFinite(loadFactor) || loadFactor < 1) {
    refuse('FACTS_INVALID', 'fee.loadFactor must be a finite number >= 1', { field: 'fee.loadFactor' });
  }
  if (typeof cushion !== 'number' || !Number.isFinite(cushion) || cushion < 1) {
    refuse('FACTS_INVALID', 'fee.cushion must be a finite number >= 1', { field: 'fee.cushion' });
  }
  if (!Number.isInteger(signatureCount) || signatureCount < 1 || signatureCount > MAX_SIGNERS) {
    refuse('FACTS_INVALID', `signatureCount must be an integer in 1..${MAX_SIGNERS}`, {
      field: 'signatureCount',
    });
  }
  // Float products like 10 x 1.2 = 12.000000000000002 must not round up to 13.
  const ceil = (x: number): number => Math.ceil(x * (1 - 1e-12));
  const multiplier = 1 + signatureCount;
  const minimumDrops = ceil(base * loadFactor * multiplier);
  let feeDrops = ceil(base * loadFactor * cushion) * multiplier;
  if (basis.maxFeeDrops !== undefined) {
    const cap = positiveDrops(basis.maxFeeDrops, 'fee.maxFeeDrops');
    if (feeDrops > cap) feeDrops = cap;
  }
  if (feeDrops < minimumDrops) {
    refuse(
      'FEE_CAP_TOO_LOW',
      `maxFeeDrops ${String(basis.maxFeeDrops)} is below the ${minimumDrops} drops rippled requires for ${signatureCount} signatures`,
      { maxFeeDrops: String(basis.maxFeeDrops), minimumDrops: String(minimumDrops), signatureCount },
    );
  }
  if (!Number.isSafeInteger(feeDrops)) refuse('FACTS_INVALID', 'fee out of range', { field: 'fee' });
  return { feeDrops, minimumDrops };
}

function checkFacts(facts: PrepareFacts): { sequence: number; ticketSequence: number | null } {
  if (typeof facts !== 'object' || facts === null) refuse('FACTS_INVALID', 'facts must be an object');
  if (!isClassicAddress(facts.account)) {
    refuse('FACTS_INVALID', 'account must be a classic r-address', { field: 'account' });
  }
  if (!isUInt32(facts.lastLedgerSequence) || facts.lastLedgerSequence === 0) {
    refuse('FACTS_INVALID', 'lastLedgerSequence must be a positive UInt32', { field: 'lastLedgerSequence' });
  }
  if (facts.networkId !== undefined && !isUInt32(facts.networkId)) {
    refuse('FACTS_INVALID', 'networkId must be a UInt32', { field: 'networkId' });
  }
  const seq = facts.sequence;
  if (typeof seq === 'number') {
    if (!isUInt32(seq) || seq === 0) {
      refuse('FACTS_INVALID', 'sequence must be a positive UInt32', { field: 'sequence' });
    }
    return { sequence: seq, ticketSequence: null };
  }
  if (typeof seq !== 'object' || seq === null || !isUInt32(seq.ticketSequence) || seq.ticketSequence === 0) {
    refuse('FACTS_INVALID', 'sequence must be a number or { ticketSequence: positive UInt32 }', {
      field: 'sequence',
    });
  }
  return { sequence: 0, ticketSequence: seq.ticketSequence };
}

/** Paths of keys in `original` that are missing from `decoded` (fields the codec would drop). */
function droppedPaths(original: unknown, decoded: unknown, path: string, out: string[]): void {
  if (Array.isArray(original)) {
    if (!Array.isArray(decoded) || decoded.length !== original.length) {
      out.push(path);
      return;
    }
    original.forEach((item, i) => droppedPaths(item, decoded[i], `${path}[${i}]`, out));
    return;
  }
  if (typeof original === 'object' && original !== null) {
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
      out.push(path);
      return;
    }
    const target = decoded as Record<string, unknown>;
    for (const [key, value] of Object.entries(original)) {
      if (value === undefined) continue;
      const child = path === '' ? key : `${path}.${key}`;
      if (!(key in target)) out.push(child);
      else droppedPaths(value, target[key], child, out);
    }
  }
}

function nullPaths(value: unknown, path: string, out: string[]): void {
  if (value === null) out.push(path || '(root)');
  else if (Array.isArray(value)) value.forEach((item, i) => nullPaths(item, `${path}[${i}]`, out));
  else if (typeof value === 'object') {
    for (const [key, child] of Object.entries(value))
      nullPaths(child, path === '' ? key : `${path}.${key}`, out);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Fix every field the signers sign: `Account`, `Sequence` (or `Sequence: 0` + `TicketSequence`),
 * `Fee` for `facts.signatureCount` signatures, absolute `LastLedgerSequence`, `SigningPubKey: ""`,
 * `NetworkID` only when the network id is above 1024. Fields of the template that prepare() would
 * set are accepted only if they already hold the same value; nothing is dropped silently.
 *
 * @throws MultisignError with a PrepareErrorCode (see PREPARE_ERROR_CODES) on any refusal.
 */
export function prepare(template: TransactionTemplate, facts: PrepareFacts): PreparedTransaction {
  if (typeof template !== 'object' || template === null || Array.isArray(template)) {
    refuse('TEMPLATE_NOT_OBJECT', 'template must be a JSON object');
  }
  const nulls: string[] = [];
  nullPaths(template, '', nulls);
  if (nulls.length > 0) refuse('TEMPLATE_INVALID', 'template contains null values', { fields: nulls });

  const { sequence, ticketSequence } = checkFacts(facts);
  const { feeDrops } = quoteFee(facts.fee, facts.signatureCount);
  const fee = String(feeDrops);
  const networkId =
    facts.networkId !== undefined && facts.networkId > NETWORK_ID_THRESHOLD ? facts.networkId : null;

  const has = (field: string): boolean => template[field] !== undefined;
  if (has('Signers')) refuse('TEMPLATE_HAS_SIGNERS', 'template already carries Signers');
  if (has('TxnSignature')) refuse('TEMPLATE_HAS_TXN_SIGNATURE', 'template already carries a TxnSignature');
  if (has('SigningPubKey') && template.SigningPubKey !== '') {
    refuse('TEMPLATE_HAS_SIGNING_PUBKEY', 'template carries a non-empty SigningPubKey (single-signed)');
  }
  const unsigned = unsignedFields(template);
  if (unsigned.length > 0) {
    refuse('TEMPLATE_UNSUPPORTED_FIELD', `template carries unsigned field(s) ${unsigned.join(', ')}`, {
      fields: unsigned,
    });
  }
  if (has('Account') && template.Account !== facts.account) {
    refuse('TEMPLATE_ACCOUNT_MISMATCH', 'template Account is not the multisig account', {
      template: template.Account,
      account: facts.account,
    });
  }
  if (has('Sequence') && template.Sequence !== 0 && has('TicketSequence')) {
    refuse('TEMPLATE_SEQUENCE_AND_TICKET', 'template has both a non-zero Sequence and a TicketSequence');
  }

  const fixed: Record<string, unknown> = {
    Account: facts.account,
    Sequence: sequence,
    Fee: fee,
    LastLedgerSequence: facts.lastLedgerSequence,
    SigningPubKey: '',
  };
  if (ticketSequence !== null) fixed.TicketSequence = ticketSequence;
  if (networkId !== null) fixed.NetworkID = networkId;
  for (const field of ['Sequence', 'TicketSequence', 'Fee', 'LastLedgerSequence', 'NetworkID']) {
    if (!has(field)) continue;
    const wanted = fixed[field];
    const given = template[field];
    const same = field === 'Fee' ? typeof given === 'string' && given === wanted : given === wanted;
    if (!same) {
      refuse('TEMPLATE_FIELD_CONFLICT', `template ${field} conflicts with the prepared value`, {
        field,
        template: given,
        prepared: wanted ?? '(absent)',
      });
    }
  }

  const tx: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) if (value !== undefined) tx[key] = value;
  Object.assign(tx, fixed);

  if (tx.Flags !== undefined && typeof tx.Flags !== 'number') {
    try {
      tx.Flags = convertTxFlagsToNumber(tx as never);
    } catch (error) {
      refuse('TEMPLATE_INVALID', 'Flags could not be converted', { reason: (error as Error).message });
    }
  }
  if (typeof tx.Flags === 'number' && (tx.Flags & TF_INNER_BATCH_TXN) !== 0) {
    refuse('TEMPLATE_INVALID', 'tfInnerBatchTxn cannot be multisigned', { field: 'Flags' });
  }
  if (ticketSequence !== null && tx.AccountTxnID !== undefined) {
    refuse('TEMPLATE_INVALID', 'AccountTxnID cannot be combined with a TicketSequence (temINVALID)', {
      field: 'AccountTxnID',
    });
  }

  localChecks(tx);

  try {
    validate(tx);
  } catch (error) {
    refuse('TEMPLATE_INVALID', `xrpl validate() rejects the transaction: ${(error as Error).message}`, {
      reason: (error as Error).message,
    });
  }

  let encoded: string;
  let txJson: Record<string, unknown>;
  try {
    encoded = encode(tx).toUpperCase();
    txJson = decode(encoded);
  } catch (error) {
    refuse('TEMPLATE_INVALID', `the transaction does not encode: ${(error as Error).message}`, {
      reason: (error as Error).message,
    });
  }
  const dropped: string[] = [];
  droppedPaths(tx, txJson, '', dropped);
  if (dropped.length > 0) {
    refuse('TEMPLATE_FIELD_DROPPED', `field(s) ${dropped.join(', ')} would be dropped by the binary codec`, {
      fields: dropped,
    });
  }
  if (encode(txJson).toUpperCase() !== encoded) {
    refuse('TEMPLATE_INVALID', 'the transaction does not round-trip through the binary codec');
  }

  const prepared: PreparedTransaction = deepFreeze({
    txJson,
    encoded,
    account: facts.account,
    feeDrops: fee,
    maxSignatures: facts.signatureCount,
    sequence,
    ticketSequence,
    lastLedgerSequence: facts.lastLedgerSequence,
    networkId,
  });
  rememberPreparedBytes(prepared, layoutOf(txJson, Buffer.from(encoded, 'hex'), facts.account));
  return prepared;
}
