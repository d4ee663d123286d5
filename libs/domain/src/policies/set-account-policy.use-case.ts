import { DomainError } from '../errors/domain.error';
import { AccountRepository } from '../ports/account.repository';
import { UnitOfWork } from '../ports/unit-of-work';
import { Actor } from '../shared/actor';
import { PolicyRecord, PolicyRules } from './policy';

const CLASSIC_ADDRESS = /^r[1-9A-HJ-NP-Za-km-z]{24,34}$/;
const DROPS = /^(0|[1-9][0-9]{0,16})$/;
const TYPE_NAME = /^[A-Z][A-Za-z]{1,40}$/;
const MAX_DELAY_SECONDS = 30 * 24 * 3600;

function invalid(field: string, message: string): never {
  throw new DomainError('POLICY_INVALID', `${field}: ${message}`, { field });
}

/** Checks a policy as a whole (the API's DTO checks shapes; this checks meaning) and returns it normalised. */
export function checkPolicyRules(rules: PolicyRules): PolicyRules {
  const types = rules.allowedTransactionTypes;
  if (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || !TYPE_NAME.test(t))) {
    invalid('allowedTransactionTypes', 'a list of transaction type names');
  }
  if (!Number.isInteger(rules.maxTicketCount) || rules.maxTicketCount < 1 || rules.maxTicketCount > 250) {
    invalid('maxTicketCount', 'a whole number from 1 to 250');
  }
  if (rules.destinations !== null) {
    for (const d of rules.destinations) {
      if (!CLASSIC_ADDRESS.test(d.address)) invalid('destinations', `${d.address} is not a classic address`);
      if (
        d.destinationTag !== null &&
        !(Number.isInteger(d.destinationTag) && d.destinationTag >= 0 && d.destinationTag <= 0xffffffff)
      ) {
        invalid('destinations', 'destinationTag is a UInt32 or null');
      }
    }
  }
  if (rules.maxAmountDrops !== null && !DROPS.test(rules.maxAmountDrops))
    invalid('maxAmountDrops', 'drops as a decimal string');
  const hours = new Set<number>();
  for (const w of rules.windowLimits) {
    if (!Number.isInteger(w.hours) || w.hours < 1 || w.hours > 24 * 366)
      invalid('windowLimits', 'hours from 1 to 8784');
    if (hours.has(w.hours)) invalid('windowLimits', `two limits for ${w.hours} hours`);
    hours.add(w.hours);
    if (!DROPS.test(w.maxDrops)) invalid('windowLimits', 'maxDrops as a decimal string');
  }
  if (rules.maxFeeDrops !== null && !(Number.isSafeInteger(rules.maxFeeDrops) && rules.maxFeeDrops > 0)) {
    invalid('maxFeeDrops', 'a positive whole number of drops or null');
  }
  if (
    rules.maxSigningWindowMinutes !== null &&
    !(Number.isInteger(rules.maxSigningWindowMinutes) && rules.maxSigningWindowMinutes >= 1)
  ) {
    invalid('maxSigningWindowMinutes', 'a positive whole number of minutes or null');
  }
  if (rules.timeLock !== null) {
    if (!DROPS.test(rules.timeLock.aboveDrops)) invalid('timeLock.aboveDrops', 'drops as a decimal string');
    const delay = rules.timeLock.delaySeconds;
    if (!Number.isInteger(delay) || delay < 1 || delay > MAX_DELAY_SECONDS) {
      invalid('timeLock.delaySeconds', `a whole number from 1 to ${MAX_DELAY_SECONDS}`);
    }
  }
  return {
    allowedTransactionTypes: [...new Set(types)],
    allowAccountSetFlags: rules.allowAccountSetFlags === true,
    maxTicketCount: rules.maxTicketCount,
    destinations:
      rules.destinations === null
        ? null
        : rules.destinations.map((d) => ({ address: d.address, destinationTag: d.destinationTag })),
    maxAmountDrops: rules.maxAmountDrops,
    windowLimits: [...rules.windowLimits]
      .sort((a, b) => a.hours - b.hours)
      .map((w) => ({ hours: w.hours, maxDrops: w.maxDrops })),
    maxFeeDrops: rules.maxFeeDrops,
    maxSigningWindowMinutes: rules.maxSigningWindowMinutes,
    timeLock:
      rules.timeLock === null
        ? null
        : { aboveDrops: rules.timeLock.aboveDrops, delaySeconds: rules.timeLock.delaySeconds },
  };
}

/**
 * An admin sets an account's policy: stored as the next version, audited with the whole rule set.
 * Proposals already in flight keep the version they were made under; at quorum a longer time lock
 * of the newer version still applies to them (tightening reaches them, loosening does not).
 */
export class SetAccountPolicy {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(accountId: string, rules: PolicyRules, actor: Actor): Promise<PolicyRecord> {
    const account = await this.accounts.find(accountId);
    if (!account)
      throw new DomainError('ACCOUNT_NOT_FOUND', `No registered account ${accountId}.`, { accountId });
    const checked = checkPolicyRules(rules);
    return this.uow.run(async (tx) => {
      // The allocation lock orders this change with proposal creations of the account.
      await tx.accounts.lockForAllocation(accountId);
      const current = await tx.policies.current(accountId);
      const stored = await tx.policies.append(accountId, current?.version ?? 0, checked, actor.id);
      if (!stored) throw new Error('A policy version was taken concurrently under the allocation lock');
      await tx.audit.append(actor, {
        action: 'policy.set',
        entityType: 'account',
        entityId: accountId,
        details: { version: stored.version, previousVersion: current?.version ?? 0, rules: { ...checked } },
      });
      return stored;
    });
  }
}
