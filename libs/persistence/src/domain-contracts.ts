/** The domain contracts this library implements: ports, records, states and the upstream error. */
export {
  AccountRepository,
  ApiKeyRepository,
  AuditRepository,
  DatabaseHealth,
  isOpenProposalState,
  OPEN_PROPOSAL_STATES,
  PolicyRepository,
  ProposalRepository,
  UnitOfWork,
  UpstreamError,
  WebhookReceiptRepository,
} from '@app/domain';
export type * from '@app/domain';
