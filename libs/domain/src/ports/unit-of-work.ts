import { AccountRepository } from './account.repository';
import { AccountSetupRepository } from './account-setup.repository';
import { AuditRepository } from './audit.repository';
import { PolicyRepository } from './policy.repository';
import { ProposalRepository } from './proposal.repository';
import { WebhookOutbox } from './webhook.repository';

/** The repositories bound to one database transaction. */
export interface TransactionalRepositories {
  accounts: AccountRepository;
  proposals: ProposalRepository;
  audit: AuditRepository;
  /** Outbound webhook events, stored with the change they report. */
  outbox: WebhookOutbox;
  policies: PolicyRepository;
  /** Account set-ups (onboarding). */
  setups: AccountSetupRepository;
}

/**
 * Writes that span aggregates (a state change and its audit event; a SignerList snapshot and the
 * proposals it invalidates) happen in one transaction: all or nothing.
 */
export abstract class UnitOfWork {
  abstract run<T>(work: (tx: TransactionalRepositories) => Promise<T>): Promise<T>;
}
