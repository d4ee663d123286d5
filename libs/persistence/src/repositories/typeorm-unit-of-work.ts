import { DataSource, EntityManager, QueryRunnerAlreadyReleasedError } from 'typeorm';
import {
  AuditEntry,
  NewWebhookEvent,
  ProposalPatch,
  ProposalRecord,
  ProposalState,
  SignatureAcceptance,
  SignatureAcceptanceOutcome,
  TransactionalRepositories,
  UnitOfWork,
} from '../domain-contracts';
import { Actor } from '../domain-contracts';
import { GroupCommit } from '../domain-contracts';
import { TypeormAccountRepository } from './typeorm-account.repository';
import { TypeormAccountSetupRepository } from './typeorm-account-setup.repository';
import { TypeormAuditRepository } from './typeorm-audit.repository';
import { TypeormPolicyRepository } from './typeorm-policy.repository';
import { TypeormProposalRepository } from './typeorm-proposal.repository';
import { TypeormWebhookOutbox } from './typeorm-webhook.repository';

/** The repositories of one aggregate each, bound to `manager` (a transaction's, or the data source's). */
export function typeormRepositories(manager: EntityManager): TransactionalRepositories {
  return {
    accounts: new TypeormAccountRepository(manager),
    proposals: new TypeormProposalRepository(manager),
    audit: new TypeormAuditRepository(manager),
    outbox: new TypeormWebhookOutbox(manager),
    policies: new TypeormPolicyRepository(manager),
    setups: new TypeormAccountSetupRepository(manager),
  };
}

/**
 * The UnitOfWork port: `work` runs inside one database transaction (READ COMMITTED) with repositories
 * bound to it; it commits when `work` resolves and rolls back everything when it throws.
 *
 * When the server drops the transaction's connection, TypeORM releases the query runner, and the next
 * statement (or the commit) fails with "Query runner already released": inside `run` that can only be
 * the lost connection, so it is rethrown as one ("Connection terminated ...", with the original as
 * `cause`), which `databaseUnavailable` classifies as DATABASE_UNAVAILABLE.
 */
export class TypeormUnitOfWork extends UnitOfWork {
  /** Concurrent acceptances written together: a few statements per batch instead of per signature. */
  private readonly acceptances = new GroupCommit<SignatureAcceptance, SignatureAcceptanceOutcome>(
    (batch) => this.transaction((manager) => acceptBatch(manager, batch)),
    { maxBatch: 64, concurrency: 2, key: (acceptance) => acceptance.request.id },
  );

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  run<T>(work: (tx: TransactionalRepositories) => Promise<T>): Promise<T> {
    return this.transaction((manager) => work(typeormRepositories(manager)));
  }

  /** One statement (`TypeormProposalRepository.patchAudited`). */
  override patchProposalAudited(
    proposalId: string,
    states: readonly ProposalState[],
    patch: ProposalPatch,
    actor: Actor,
    entry: AuditEntry,
  ): Promise<boolean> {
    return new TypeormProposalRepository(this.dataSource.manager).patchAudited(
      proposalId,
      states,
      patch,
      actor,
      entry,
    );
  }

  /**
   * The reference semantics (see the port), for every acceptance that arrives while earlier ones are
   * being written, in one transaction: the proposals are locked in id order (so the quorum check
   * sees every committed signature, and two batches cannot deadlock), one statement moves the
   * requests and stores the signatures, one claims the quorums reached, one writes the audit trail,
   * then the outbox.
   */
  override acceptSignature(acceptance: SignatureAcceptance): Promise<SignatureAcceptanceOutcome> {
    return this.acceptances.submit(acceptance);
  }

  private async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      if (error instanceof QueryRunnerAlreadyReleasedError) {
        throw new Error('Connection terminated: the unit of work lost its database connection.', {
          cause: error,
        });
      }
      throw error;
    }
  }
}

/** $1.. per acceptance: moves each request to `signed` from its allowed states and stores its signature. */
const ACCEPT_SQL = `WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::uuid[],
                         $7::text[], $8::text[], $9::text[], $10::text[], $11::int[], $12::text[])
      AS i(request_id, from_states, blob_hex, blob_txid, resolved_at, proposal_id,
           signer_address, signing_pub_key, txn_signature, key_type, weight, late_detail)
  ), moved AS (
    UPDATE signature_requests r
    SET state = 'signed', blob_hex = i.blob_hex, blob_txid = i.blob_txid, resolved_at = i.resolved_at,
        refusal_detail = COALESCE(i.late_detail, r.refusal_detail), updated_at = now()
    FROM input i
    WHERE r.id = i.request_id AND r.state = ANY(string_to_array(i.from_states, ','))
    RETURNING r.id
  ), stored AS (
    INSERT INTO signatures (proposal_id, signature_request_id, signer_address, signing_pub_key,
                            txn_signature, key_type, weight)
    SELECT i.proposal_id, i.request_id, i.signer_address, i.signing_pub_key, i.txn_signature, i.key_type, i.weight
    FROM input i JOIN moved m ON m.id = i.request_id
    WHERE i.late_detail IS NULL
    ON CONFLICT DO NOTHING
  )
  SELECT id FROM moved`;

async function acceptBatch(
  manager: EntityManager,
  batch: readonly SignatureAcceptance[],
): Promise<SignatureAcceptanceOutcome[]> {
  const proposalIds = [...new Set(batch.map((a) => a.request.proposalId))].sort();
  const locked = await manager.query<{ id: string; state: ProposalState }[]>(
    `SELECT id, state FROM proposals WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [proposalIds],
  );
  // Under the lock the states hold until commit: a proposal that left collecting counts nothing.
  const stateOf = new Map(locked.map((row) => [row.id, row.state]));
  const late = batch.map((a) => {
    const state = stateOf.get(a.request.proposalId);
    return state !== undefined && state !== 'collecting' ? a.tooLate(state) : null;
  });
  const movedRows = await manager.query<{ id: string }[]>(ACCEPT_SQL, [
    batch.map((a) => a.request.id),
    batch.map((a) => a.from.join(',')),
    batch.map((a) => a.patch.blobHex),
    batch.map((a) => a.patch.blobTxid),
    batch.map((a) => a.patch.resolvedAt),
    batch.map((a) => a.request.proposalId),
    batch.map((a) => a.signature.signerAddress),
    batch.map((a) => a.signature.signingPubKey),
    batch.map((a) => a.signature.txnSignature),
    batch.map((a) => a.signature.keyType),
    batch.map((a) => a.signature.weight),
    late.map((l) => l?.refusalDetail ?? null),
  ]);
  const moved = new Set(movedRows.map((row) => row.id));
  const audit: { actor: Actor; entry: AuditEntry }[] = [];
  const events: NewWebhookEvent[] = [];
  const stored: SignatureAcceptance[] = [];
  batch.forEach((acceptance, i) => {
    if (!moved.has(acceptance.request.id)) return;
    const written = late[i] ?? acceptance;
    for (const entry of written.audit) audit.push({ actor: acceptance.actor, entry });
    events.push(...written.events);
    if (!late[i]) stored.push(acceptance);
  });
  // The lock above makes this statement see every signature committed before it.
  const now = new Date(Math.max(...stored.map((a) => a.now.getTime())));
  const claimed = new Map<string, ProposalRecord>();
  if (stored.length > 0) {
    const rows = await new TypeormProposalRepository(manager).claimQuorumIfReached(
      [...new Set(stored.map((a) => a.request.proposalId))],
      now,
    );
    for (const proposal of rows) claimed.set(proposal.id, proposal);
  }
  const owners = new Map<string, SignatureAcceptance>();
  for (const acceptance of stored) {
    const proposal = claimed.get(acceptance.request.proposalId);
    if (!proposal || owners.has(proposal.id)) continue;
    owners.set(proposal.id, acceptance);
    const followUp = acceptance.onQuorum(proposal);
    for (const entry of followUp.audit) audit.push({ actor: acceptance.actor, entry });
    events.push(...followUp.events);
  }
  await new TypeormAuditRepository(manager).appendByActors(audit);
  await new TypeormWebhookOutbox(manager).emitMany(events);
  return batch.map((acceptance, i): SignatureAcceptanceOutcome => {
    if (!moved.has(acceptance.request.id)) return { stored: false };
    if (late[i]) return { stored: true, counted: false, quorumClaimed: null };
    const proposal = claimed.get(acceptance.request.proposalId);
    return {
      stored: true,
      counted: true,
      quorumClaimed: proposal && owners.get(proposal.id) === acceptance ? proposal : null,
    };
  });
}
