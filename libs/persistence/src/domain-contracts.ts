/** The domain contracts this library implements: ports, records, states and the upstream error. */
export {
  AccountRepository,
  AccountSetupRepository,
  ApiKeyRepository,
  OperationsReadModel,
  WebhookOutbox,
  WebhookRepository,
  AuditRepository,
  DatabaseHealth,
  GroupCommit,
  isLiveRequestState,
  isOpenProposalState,
  OPEN_PROPOSAL_STATES,
  PolicyRepository,
  ProposalRepository,
  SessionRepository,
  UnitOfWork,
  UpstreamError,
  WebhookReceiptRepository,
} from '@app/domain';
export type * from '@app/domain';
