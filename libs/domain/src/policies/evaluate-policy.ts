import { DomainError } from '../errors/domain.error';
import type { ApiKeyRole } from '../records';
import { xrpOutflowOf, xrpText } from './outflow';
import {
  CONTROL_ACCOUNT_SET_FLAGS,
  CONTROL_TRANSACTION_TYPES,
  PLAIN_ACCOUNT_SET_FIELDS,
  PolicyRecord,
  PolicyRules,
} from './policy';

/** Fields every transaction carries, and those prepare() fixes: never a reason to refuse. */
const COMMON_FIELDS = new Set([
  'TransactionType',
  'Account',
  'Fee',
  'Sequence',
  'TicketSequence',
  'LastLedgerSequence',
  'SigningPubKey',
  'NetworkID',
  'Flags',
  'Memos',
  'SourceTag',
]);

export interface PolicyInput {
  /** The prepared transaction (numeric Flags, fixed Fee). */
  tx: Record<string, unknown>;
  role: ApiKeyRole;
  policy: PolicyRecord;
  expiresInMinutes: number;
  /** XRP (drops) the account's succeeded and in-flight proposals sent in each window, by its hours. */
  windowUsage: ReadonlyMap<number, bigint>;
}

export interface PolicyVerdict {
  xrpOutDrops: bigint;
  /** Delay between quorum and submission the policy asks for this proposal (0: none). */
  timeLockSeconds: number;
}

/** Does this transaction change who controls the account? (Then only an admin may propose it.) */
export function controlChangeOf(tx: Record<string, unknown>): string | null {
  const type = String(tx.TransactionType);
  if ((CONTROL_TRANSACTION_TYPES as readonly string[]).includes(type)) return type;
  if (type === 'AccountSet') {
    for (const field of ['SetFlag', 'ClearFlag'] as const) {
      const flag = tx[field];
      if (typeof flag === 'number' && (CONTROL_ACCOUNT_SET_FLAGS as readonly number[]).includes(flag)) {
        return `AccountSet ${field} ${flag}`;
      }
    }
    if (tx.NFTokenMinter !== undefined) return 'AccountSet NFTokenMinter';
  }
  return null;
}

/** The time lock the rules ask for a proposal sending out `xrpOutDrops` (0: none). */
export function timeLockFor(rules: PolicyRules, xrpOutDrops: bigint): number {
  const lock = rules.timeLock;
  if (!lock) return 0;
  return xrpOutDrops > BigInt(lock.aboveDrops) ? lock.delaySeconds : 0;
}

function refuse(
  code: ConstructorParameters<typeof DomainError>[0],
  message: string,
  details: Record<string, unknown>,
): never {
  throw new DomainError(code, message, details);
}

/**
 * The account's policy applied to one prepared transaction, before anything is stored or sent.
 * Pure: the caller reads the policy and the window usage. Throws a DomainError whose code names the
 * first rule broken; otherwise says what the proposal sends out and whether it waits after quorum.
 */
export function evaluatePolicy(input: PolicyInput): PolicyVerdict {
  const { tx, role, policy } = input;
  const rules = policy.rules;
  const type = String(tx.TransactionType);
  const base = { policyVersion: policy.version };

  const control = controlChangeOf(tx);
  if (control !== null && role !== 'admin') {
    refuse(
      'TYPE_NEEDS_ADMIN',
      `${control} changes who controls the account: only an admin key may propose it.`,
      {
        ...base,
        transactionType: type,
        change: control,
      },
    );
  }
  if (control === null && !rules.allowedTransactionTypes.includes(type)) {
    refuse('POLICY_TYPE_NOT_ALLOWED', `The account's policy does not allow ${type} proposals.`, {
      ...base,
      transactionType: type,
      allowed: rules.allowedTransactionTypes,
    });
  }
  if (type === 'AccountSet' && control === null && !rules.allowAccountSetFlags) {
    const extra = Object.keys(tx).filter(
      (f) => !COMMON_FIELDS.has(f) && !PLAIN_ACCOUNT_SET_FIELDS.includes(f),
    );
    const flagged = typeof tx.Flags === 'number' && tx.Flags !== 0;
    if (extra.length > 0 || flagged) {
      refuse(
        'POLICY_ACCOUNTSET_FLAGS_NOT_ALLOWED',
        `The account's policy allows AccountSet only for ${PLAIN_ACCOUNT_SET_FIELDS.join(', ')}.`,
        { ...base, fields: flagged ? [...extra, 'Flags'] : extra },
      );
    }
  }
  if (type === 'TicketCreate' && Number(tx.TicketCount) > rules.maxTicketCount) {
    refuse(
      'POLICY_TICKET_COUNT_OVER_LIMIT',
      `TicketCount ${String(tx.TicketCount)} is over the policy's ${rules.maxTicketCount}.`,
      {
        ...base,
        ticketCount: tx.TicketCount,
        maxTicketCount: rules.maxTicketCount,
      },
    );
  }
  if (rules.destinations !== null && typeof tx.Destination === 'string') {
    const tag = typeof tx.DestinationTag === 'number' ? tx.DestinationTag : null;
    const allowed = rules.destinations.some(
      (d) => d.address === tx.Destination && (d.destinationTag === null || d.destinationTag === tag),
    );
    if (!allowed) {
      refuse(
        'POLICY_DESTINATION_NOT_ALLOWED',
        `${tx.Destination}${tag === null ? '' : ` (tag ${tag})`} is not on the account's destination allow-list.`,
        {
          ...base,
          destination: tx.Destination,
          destinationTag: tag,
        },
      );
    }
  }
  const xrpOutDrops = xrpOutflowOf(tx);
  if (rules.maxAmountDrops !== null && xrpOutDrops > BigInt(rules.maxAmountDrops)) {
    refuse(
      'POLICY_AMOUNT_OVER_LIMIT',
      `${xrpText(xrpOutDrops)} XRP is over the policy's ${xrpText(rules.maxAmountDrops)} XRP per proposal.`,
      {
        ...base,
        amountDrops: xrpOutDrops.toString(),
        maxAmountDrops: rules.maxAmountDrops,
      },
    );
  }
  if (xrpOutDrops > 0n) {
    for (const window of rules.windowLimits) {
      const used = input.windowUsage.get(window.hours) ?? 0n;
      if (used + xrpOutDrops > BigInt(window.maxDrops)) {
        refuse(
          'POLICY_WINDOW_LIMIT_EXCEEDED',
          `${xrpText(used)} XRP already went out or is in flight in the last ${window.hours} h; ${xrpText(xrpOutDrops)} more is over the policy's ${xrpText(window.maxDrops)} XRP.`,
          {
            ...base,
            windowHours: window.hours,
            usedDrops: used.toString(),
            amountDrops: xrpOutDrops.toString(),
            maxDrops: window.maxDrops,
          },
        );
      }
    }
  }
  const fee = Number(tx.Fee);
  if (rules.maxFeeDrops !== null && fee > rules.maxFeeDrops) {
    refuse('POLICY_FEE_OVER_LIMIT', `The Fee of ${fee} drops is over the policy's ${rules.maxFeeDrops}.`, {
      ...base,
      feeDrops: fee,
      maxFeeDrops: rules.maxFeeDrops,
    });
  }
  if (rules.maxSigningWindowMinutes !== null && input.expiresInMinutes > rules.maxSigningWindowMinutes) {
    refuse(
      'POLICY_WINDOW_TOO_LONG',
      `A signing window of ${input.expiresInMinutes} minutes is longer than the policy's ${rules.maxSigningWindowMinutes}.`,
      {
        ...base,
        expiresInMinutes: input.expiresInMinutes,
        maxSigningWindowMinutes: rules.maxSigningWindowMinutes,
      },
    );
  }
  return { xrpOutDrops, timeLockSeconds: timeLockFor(rules, xrpOutDrops) };
}
