/**
 * The domain contracts this library implements: ports, records and states. Imported file by file
 * rather than through `@app/domain`, because the domain's barrel is being rewritten and does not load
 * on this branch. Once `@app/domain` exports these names, this file becomes one
 * `export ... from '@app/domain'` and nothing else in the library changes.
 */
export * from '../../domain/src/ports/account.repository';
export * from '../../domain/src/ports/api-key.repository';
export * from '../../domain/src/ports/audit.repository';
export * from '../../domain/src/ports/database-health.port';
export * from '../../domain/src/ports/proposal.repository';
export * from '../../domain/src/ports/unit-of-work';
export * from '../../domain/src/ports/webhook-receipt.repository';
export type {
  AccountRecord,
  ApiKeyRecord,
  AuditEventRecord,
  ProposalRecord,
  SignatureRecord,
  SignatureRequestRecord,
  SignerListSnapshot,
  SignerRecord,
} from '../../domain/src/records';
export type { Actor } from '../../domain/src/shared/actor';
export { isOpenProposalState, OPEN_PROPOSAL_STATES } from '../../domain/src/state/proposal-state';
export type { ProposalState, RequestState } from '../../domain/src/state/proposal-state';
export { UpstreamError } from '../../domain/src/errors/domain.error';
