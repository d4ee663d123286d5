import { Brackets, EntityManager, EntityTarget, In, IsNull, ObjectLiteral } from 'typeorm';
import {
  Actor,
  AuditEntry,
  GroupCommit,
  InsertProposalResult,
  isLiveRequestState,
  isOpenProposalState,
  NewProposal,
  NewSignature,
  NewSignatureRequest,
  OPEN_PROPOSAL_STATES,
  PayloadClaim,
  ProposalListFilter,
  ProposalPatch,
  ProposalRecord,
  ProposalRepository,
  ProposalState,
  RequestPatch,
  RequestState,
  SignatureRecord,
  SignatureRequestRecord,
} from '../domain-contracts';
import { ProposalEntity, SignatureEntity, SignatureRequestEntity } from '../entities';
import { appliedOnce, atomically, columns, hydrate, returningRows } from './typeorm-support';
import { AUDIT_COLUMNS, auditRow } from './typeorm-audit.repository';

/** Live requests: a payload that may still be resolved, or is about to be sent. */
const LIVE_REQUEST_STATES_SQL = `('queued', 'created', 'opened')`;

/** `p.<column> AS "p__<column>"` for every column a proposal record has (computed once). */
let proposalColumnsSql: string | null = null;
function proposalColumns(manager: EntityManager): string {
  proposalColumnsSql ??= manager.connection
    .getMetadata(ProposalEntity)
    .columns.filter((column) => column.isSelect)
    .map((column) => `p.${column.databaseName} AS "p__${column.databaseName}"`)
    .join(', ');
  return proposalColumnsSql;
}

/** $1 proposal ids, $2 now: collecting proposals whose stored weights reach the quorum before the deadline. */
const CLAIM_QUORUM_SQL = `UPDATE proposals p
  SET state = 'quorum_reached', quorum_reached_at = $2, closed_at = NULL, updated_at = now()
  FROM (SELECT proposal_id, sum(weight) AS weight FROM signatures
        WHERE proposal_id = ANY($1::uuid[]) GROUP BY proposal_id) s
  WHERE p.id = s.proposal_id AND p.state = 'collecting' AND p.deadline > $2 AND s.weight >= p.signer_quorum
  RETURNING p.*`;

/**
 * The ProposalRepository port on PostgreSQL. Bound to one EntityManager: the data source's (each call
 * on its own) or a unit of work's transaction. Every state change is a conditional UPDATE that names
 * the states it may leave and applies to exactly one row or to none.
 */
export class TypeormProposalRepository extends ProposalRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  private get proposals() {
    return this.manager.getRepository(ProposalEntity);
  }

  private get requests() {
    return this.manager.getRepository(SignatureRequestEntity);
  }

  findByIdempotencyKey(createdBy: string | null, key: string): Promise<ProposalRecord | null> {
    return this.proposals.findOne({
      where: { createdBy: createdBy === null ? IsNull() : createdBy, idempotencyKey: key },
    });
  }

  async heldNumbers(accountId: string): Promise<{ sequences: number[]; tickets: number[] }> {
    const rows = await this.proposals.find({
      where: { accountId, state: In([...OPEN_PROPOSAL_STATES]) },
      select: { sequence: true, ticketSequence: true },
      order: { sequence: 'ASC', ticketSequence: 'ASC' },
    });
    return {
      sequences: rows.filter((r) => r.ticketSequence === null).map((r) => r.sequence),
      tickets: rows.flatMap((r) => (r.ticketSequence === null ? [] : [r.ticketSequence])),
    };
  }

  /**
   * INSERT ... ON CONFLICT DO NOTHING: a conflict never raises, so a surrounding transaction stays
   * usable. Which constraint stopped it is read back: the same (creator, Idempotency-Key) means
   * `idempotency_key`, anything else is the open Sequence/Ticket index (`number`).
   */
  insert(
    proposal: NewProposal,
    requests: NewSignatureRequest[],
    leaseUntil: Date,
  ): Promise<InsertProposalResult> {
    return atomically(this.manager, async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .insert()
        .into(ProposalEntity)
        .values(columns<ProposalEntity>({ ...proposal, state: 'collecting' }))
        .orIgnore()
        .returning('id')
        .execute();
      const inserted = (result.raw as { id: string }[])[0];
      if (!inserted) {
        return { inserted: false, conflict: await this.conflictOf(manager, proposal) };
      }
      if (requests.length > 0) {
        await manager.getRepository(SignatureRequestEntity).insert(
          requests.map((r) => ({
            ...r,
            proposalId: inserted.id,
            attempt: 1,
            state: 'queued' as const,
            nextAttemptAt: leaseUntil,
          })),
        );
      }
      const stored = await manager
        .getRepository(ProposalEntity)
        .findOneOrFail({ where: { id: inserted.id } });
      return { inserted: true, proposal: stored };
    });
  }

  private async conflictOf(
    manager: EntityManager,
    proposal: NewProposal,
  ): Promise<'idempotency_key' | 'number'> {
    if (proposal.createdBy === null || proposal.idempotencyKey === null) return 'number';
    // The unique index is (created_by, idempotency_key): only a non-null creator can collide on it.
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM proposals WHERE created_by = $1 AND idempotency_key = $2`,
      [proposal.createdBy, proposal.idempotencyKey],
    );
    return rows.length > 0 ? 'idempotency_key' : 'number';
  }

  /** Plain parameterised SQL (the hot path of ingest and combine): no query builder, one hydration. */
  async find(id: string): Promise<ProposalRecord | null> {
    return this.one(ProposalEntity, `SELECT * FROM proposals WHERE id = $1`, [id]);
  }

  list(filter: ProposalListFilter): Promise<ProposalRecord[]> {
    const query = this.proposals
      .createQueryBuilder('p')
      .orderBy('p.created_at', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .limit(filter.limit);
    if (filter.state) query.andWhere('p.state = :state', { state: filter.state });
    if (filter.accountId) query.andWhere('p.account_id = :accountId', { accountId: filter.accountId });
    if (filter.createdFrom)
      query.andWhere('p.created_at >= :createdFrom', { createdFrom: filter.createdFrom });
    if (filter.createdBefore) {
      query.andWhere('p.created_at < :createdBefore', { createdBefore: filter.createdBefore });
    }
    const after = filter.after;
    if (after) {
      query.andWhere(
        new Brackets((q) =>
          q.where('(p.created_at, p.id) < (:afterTime, :afterId)', {
            afterTime: after.createdAt,
            afterId: after.id,
          }),
        ),
      );
    }
    return query.getMany();
  }

  requestsOf(proposalId: string): Promise<SignatureRequestRecord[]> {
    return this.requests.find({ where: { proposalId }, order: { signerAddress: 'ASC', attempt: 'ASC' } });
  }

  async signaturesOf(proposalId: string): Promise<SignatureRecord[]> {
    const rows = await this.manager.query<Record<string, unknown>[]>(
      `SELECT * FROM signatures WHERE proposal_id = $1 ORDER BY created_at, signer_address`,
      [proposalId],
    );
    return rows.map((row) => hydrate(this.manager, SignatureEntity, row));
  }

  /**
   * The one shape of every proposal write: UPDATE ... SET `values` (plus `updated_at`, unless given)
   * WHERE id = :id AND `condition`; true when exactly that row changed.
   */
  private async updateProposalIf(
    id: string,
    condition: string,
    parameters: Record<string, unknown>,
    values: object,
  ): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .update(ProposalEntity)
      .set(columns<ProposalEntity>({ updatedAt: () => 'now()', ...values }))
      .where(`id = :id AND ${condition}`, { ...parameters, id })
      .execute();
    return appliedOnce(result);
  }

  /**
   * `closed_at` follows the target state whatever the patch says, so the schema's
   * `proposals_closed_states_have_closed_at` always holds: NULL for an open state, else the patch's
   * `closedAt` or the current time.
   */
  async transition(
    id: string,
    from: readonly ProposalState[],
    to: ProposalState,
    patch: ProposalPatch,
  ): Promise<boolean> {
    if (from.length === 0) return false;
    const closedAt = isOpenProposalState(to) ? null : (patch.closedAt ?? (() => 'now()'));
    return this.updateProposalIf(
      id,
      'state IN (:...from)',
      { from: [...from] },
      { ...patch, state: to, closedAt },
    );
  }

  /** One UPDATE ... WHERE id IN (...) AND state IN (...) RETURNING *: the batch form of `transition`. */
  async transitionMany(
    ids: readonly string[],
    from: readonly ProposalState[],
    to: ProposalState,
    patch: ProposalPatch,
  ): Promise<ProposalRecord[]> {
    if (ids.length === 0 || from.length === 0) return [];
    const closedAt = isOpenProposalState(to) ? null : (patch.closedAt ?? (() => 'now()'));
    const result = await this.manager
      .createQueryBuilder()
      .update(ProposalEntity)
      .set(columns<ProposalEntity>({ updatedAt: () => 'now()', ...patch, state: to, closedAt }))
      .where('id IN (:...ids) AND state IN (:...from)', { ids: [...ids], from: [...from] })
      .returning('*')
      .execute();
    return (result.raw as Record<string, unknown>[]).map((row) => hydrate(this.manager, ProposalEntity, row));
  }

  /**
   * `patch` and its audit entry in one statement (the UPDATE as a data-modifying CTE, the INSERT from
   * its RETURNING): atomic without a transaction, one round trip instead of four.
   */
  async patchAudited(
    id: string,
    states: readonly ProposalState[],
    patch: ProposalPatch,
    actor: Actor,
    entry: AuditEntry,
  ): Promise<boolean> {
    if (states.length === 0) return false;
    const [update, parameters]: [string, unknown[]] = this.manager
      .createQueryBuilder()
      .update(ProposalEntity)
      .set(columns<ProposalEntity>({ updatedAt: () => 'now()', ...patch }))
      .where('id = :id AND state IN (:...states)', { id, states: [...states] })
      .getQueryAndParameters();
    const audit = auditRow(actor, entry);
    const at = (i: number) => `$${parameters.length + i + 1}`;
    const rows = await this.manager.query<{ entity_id: string }[]>(
      `WITH patched AS (${update} RETURNING id)
       INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')})
       SELECT ${at(0)}, ${at(1)}, ${at(2)}, ${at(3)}, ${at(4)}, ${at(5)}, ${at(6)}::jsonb FROM patched
       RETURNING entity_id`,
      [...parameters, ...audit],
    );
    return rows.length === 1;
  }

  async patch(id: string, states: readonly ProposalState[], patch: ProposalPatch): Promise<boolean> {
    if (states.length === 0) return false;
    return this.updateProposalIf(id, 'state IN (:...states)', { states: [...states] }, patch);
  }

  claimSubmission(id: string, seenAttempts: number, patch: ProposalPatch): Promise<boolean> {
    return this.updateProposalIf(
      id,
      `state = 'submitted' AND submit_attempts = :seenAttempts`,
      { seenAttempts },
      { ...patch, submitAttempts: () => 'submit_attempts + 1' },
    );
  }

  recordSubmitResult(
    id: string,
    attempt: number,
    result: string,
    answeredAtLedgerIndex?: number | null,
  ): Promise<boolean> {
    return this.updateProposalIf(
      id,
      `submit_attempts = :attempt AND submit_attempts >= 1`,
      { attempt },
      {
        lastSubmitResult: result,
        ...(answeredAtLedgerIndex != null ? { lastSubmittedLedgerIndex: answeredAtLedgerIndex } : {}),
      },
    );
  }

  /** Re-claiming marks the proposal as touched at `now`, so a second reclaimer sees it fresh. */
  reclaimCombine(id: string, staleBefore: Date, now: Date): Promise<boolean> {
    return this.updateProposalIf(
      id,
      `state = 'quorum_reached' AND combined_blob IS NULL AND updated_at < :staleBefore`,
      { staleBefore },
      { updatedAt: now },
    );
  }

  findRequest(id: string): Promise<SignatureRequestRecord | null> {
    return this.one(SignatureRequestEntity, `SELECT * FROM signature_requests WHERE id = $1`, [id]);
  }

  findRequestByPayload(payloadUuid: string): Promise<SignatureRequestRecord | null> {
    return this.one(
      SignatureRequestEntity,
      `SELECT * FROM signature_requests WHERE xaman_payload_uuid = $1`,
      [payloadUuid],
    );
  }

  private async one<E extends ObjectLiteral>(
    entity: EntityTarget<E>,
    sql: string,
    parameters: unknown[],
  ): Promise<E | null> {
    const [row] = await this.manager.query<Record<string, unknown>[]>(sql, parameters);
    return row ? hydrate(this.manager, entity, row) : null;
  }

  /**
   * Claims that arrive while earlier ones are being written go together (a webhook burst costs a few
   * statements): one conditional UPDATE over the payloads' live requests, which also returns each
   * request's proposal (its columns prefixed `p__`, plain values hydrated as a find would); then one
   * read for the payloads it did not claim. Rows another claim or acceptance holds at that instant
   * are skipped (SKIP LOCKED: a batch never waits on another, so batches cannot deadlock) and
   * answered `busy`: whoever holds them reads or writes the payload's latest state.
   */
  claimPayload(payloadUuid: string, now: Date, leaseUntil: Date): Promise<PayloadClaim> {
    return this.payloadClaims.submit({ payloadUuid, now, leaseUntil });
  }

  private readonly payloadClaims = new GroupCommit<
    { payloadUuid: string; now: Date; leaseUntil: Date },
    PayloadClaim
  >((batch) => this.claimPayloads(batch), {
    maxBatch: 100,
    concurrency: 2,
    key: (c) => c.payloadUuid.toLowerCase(),
  });

  private async claimPayloads(
    batch: readonly { payloadUuid: string; now: Date; leaseUntil: Date }[],
  ): Promise<PayloadClaim[]> {
    const rows = await returningRows(
      this.manager,
      `UPDATE signature_requests r
       SET resolve_lease_until = CASE WHEN o.free THEN o.lease_until ELSE r.resolve_lease_until END,
           resolve_again = NOT o.free
       FROM (SELECT s.id, i.lease_until, (s.resolve_lease_until IS NULL OR s.resolve_lease_until <= i.now) AS free
             FROM signature_requests s
             JOIN unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS i(uuid, now, lease_until)
               ON s.xaman_payload_uuid = i.uuid
             WHERE s.state IN ${LIVE_REQUEST_STATES_SQL}
             ORDER BY s.id
             FOR UPDATE OF s SKIP LOCKED) o,
            proposals p
       WHERE r.id = o.id AND p.id = r.proposal_id
       RETURNING r.*, o.free AS claimed, ${proposalColumns(this.manager)}`,
      [batch.map((c) => c.payloadUuid), batch.map((c) => c.now), batch.map((c) => c.leaseUntil)],
    );
    const answers = new Map<string, PayloadClaim>();
    for (const row of rows) {
      const request = hydrate(this.manager, SignatureRequestEntity, row);
      if (!row.claimed) {
        answers.set(request.xamanPayloadUuid!, { kind: 'busy' });
        continue;
      }
      const proposal: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row)) {
        if (key.startsWith('p__')) proposal[key.slice(3)] = value;
      }
      answers.set(request.xamanPayloadUuid!, {
        kind: 'claimed',
        request,
        proposal: hydrate(this.manager, ProposalEntity, proposal),
      });
    }
    // uuid columns come back lower-case; a signal may have named the payload in either case.
    const rest = batch.map((c) => c.payloadUuid.toLowerCase()).filter((uuid) => !answers.has(uuid));
    if (rest.length > 0) {
      const known = await this.manager.query<{ uuid: string; state: RequestState }[]>(
        `SELECT xaman_payload_uuid AS uuid, state FROM signature_requests WHERE xaman_payload_uuid = ANY($1::uuid[])`,
        [rest],
      );
      for (const { uuid, state } of known) {
        // Live but not returned: its row was locked by another claim or an acceptance.
        answers.set(uuid, isLiveRequestState(state) ? { kind: 'busy' } : { kind: 'settled' });
      }
    }
    return batch.map((c) => answers.get(c.payloadUuid.toLowerCase()) ?? { kind: 'unknown' });
  }

  async releasePayload(requestId: string): Promise<boolean> {
    const rows = await returningRows(
      this.manager,
      `UPDATE signature_requests r SET resolve_lease_until = NULL, resolve_again = false
       FROM (SELECT id, resolve_again AS again FROM signature_requests WHERE id = $1 FOR UPDATE) o
       WHERE r.id = o.id
       RETURNING o.again`,
      [requestId],
    );
    return rows[0]?.again === true;
  }

  /**
   * A queued request is free when its lease (`next_attempt_at`) has passed at `now`, or it has none;
   * `first` also takes a request never dispatched yet (the creator, inside its initial lease).
   */
  async claimRequestForDispatch(
    id: string,
    now: Date,
    leaseUntil: Date,
    first: boolean,
  ): Promise<SignatureRequestRecord | null> {
    const rows = await returningRows(
      this.manager,
      `UPDATE signature_requests
         SET create_attempts = create_attempts + 1, next_attempt_at = $3, updated_at = now()
       WHERE id = $1 AND state = 'queued'
         AND ((create_attempts = 0 AND $4::boolean) OR next_attempt_at IS NULL OR next_attempt_at <= $2)
       RETURNING *`,
      [id, now, leaseUntil, first],
    );
    const row = rows[0];
    return row ? hydrate(this.manager, SignatureRequestEntity, row) : null;
  }

  async transitionRequest(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    patch: RequestPatch,
  ): Promise<boolean> {
    if (from.length === 0) return false;
    const result = await this.manager
      .createQueryBuilder()
      .update(SignatureRequestEntity)
      .set(columns<SignatureRequestEntity>({ ...patch, state: to, updatedAt: () => 'now()' }))
      .where('id = :id AND state IN (:...from)', { id, from: [...from] })
      .execute();
    return appliedOnce(result);
  }

  async transitionRequestsByPayload(
    payloadUuids: readonly string[],
    from: readonly RequestState[],
    to: RequestState,
  ): Promise<SignatureRequestRecord[]> {
    if (payloadUuids.length === 0 || from.length === 0) return [];
    const rows = await returningRows(
      this.manager,
      `UPDATE signature_requests SET state = $3, updated_at = now()
       WHERE xaman_payload_uuid = ANY($1::uuid[]) AND state = ANY($2::text[])
       RETURNING *`,
      [payloadUuids, from, to],
    );
    return rows.map((row) => hydrate(this.manager, SignatureRequestEntity, row));
  }

  /** The request moves to `signed` and the signature is stored (once per signer and proposal), or neither. */
  recordSignature(
    request: Pick<SignatureRequestRecord, 'id' | 'proposalId'>,
    from: readonly RequestState[],
    patch: RequestPatch,
    signature: NewSignature,
  ): Promise<boolean> {
    if (from.length === 0) return Promise.resolve(false);
    return atomically(this.manager, async (manager) => {
      const moved = await manager
        .createQueryBuilder()
        .update(SignatureRequestEntity)
        .set(columns<SignatureRequestEntity>({ ...patch, state: 'signed', updatedAt: () => 'now()' }))
        .where('id = :id AND state IN (:...from)', { id: request.id, from: [...from] })
        .execute();
      if (!appliedOnce(moved)) return false;
      await manager
        .createQueryBuilder()
        .insert()
        .into(SignatureEntity)
        .values({ ...signature, proposalId: request.proposalId, signatureRequestId: request.id })
        .orIgnore()
        .execute();
      return true;
    });
  }

  /** One UPDATE over the summed weights; the caller serialises it per proposal (see acceptSignature). */
  async claimQuorumIfReached(ids: readonly string[], now: Date): Promise<ProposalRecord[]> {
    if (ids.length === 0) return [];
    const rows = await returningRows(this.manager, CLAIM_QUORUM_SQL, [ids, now]);
    return rows.map((row) => hydrate(this.manager, ProposalEntity, row));
  }

  async removeSignature(proposalId: string, signerAddress: string): Promise<void> {
    await this.manager.getRepository(SignatureEntity).delete({ proposalId, signerAddress });
  }

  async liveRequestsOf(proposalIds: readonly string[]): Promise<SignatureRequestRecord[]> {
    if (proposalIds.length === 0) return [];
    const rows = await this.manager.query<Record<string, unknown>[]>(
      `SELECT * FROM signature_requests
       WHERE proposal_id = ANY($1::uuid[]) AND state IN ${LIVE_REQUEST_STATES_SQL}
       ORDER BY proposal_id, signer_address, attempt`,
      [proposalIds],
    );
    return rows.map((row) => hydrate(this.manager, SignatureRequestEntity, row));
  }

  async touchRequest(id: string, at: Date): Promise<void> {
    await this.requests.update({ id }, { updatedAt: at });
  }

  async dueQueuedRequests(now: Date, limit: number): Promise<string[]> {
    const rows = await this.manager.query<{ id: string }[]>(
      `SELECT id FROM signature_requests
       WHERE state = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
       ORDER BY next_attempt_at ASC NULLS FIRST, id
       LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => r.id);
  }

  /** One UPDATE over a `FOR UPDATE SKIP LOCKED` subselect (index `signature_requests_open`). */
  async claimRequestsNotSeenSince(before: Date, now: Date, limit: number): Promise<SignatureRequestRecord[]> {
    const rows = await returningRows(
      this.manager,
      `UPDATE signature_requests SET updated_at = $2
       WHERE id IN (
         SELECT id FROM signature_requests
         WHERE state IN ('created', 'opened') AND updated_at < $1
         ORDER BY updated_at, id
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [before, now, limit],
    );
    return rows
      .map((row) => hydrate(this.manager, SignatureRequestEntity, row))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Served by the partial index `signature_requests_live`, joined to each request's proposal. */
  async requestsToWithdraw(now: Date, limit: number): Promise<SignatureRequestRecord[]> {
    const rows = await this.manager.query<Record<string, unknown>[]>(
      `SELECT r.* FROM signature_requests r
       JOIN proposals p ON p.id = r.proposal_id
       WHERE r.state IN ${LIVE_REQUEST_STATES_SQL}
         AND p.state NOT IN ('collecting', 'quorum_reached')
         AND (r.state = 'queued' OR r.next_attempt_at IS NULL OR r.next_attempt_at <= $1)
       ORDER BY r.next_attempt_at ASC NULLS FIRST, r.id
       LIMIT $2`,
      [now, limit],
    );
    return rows.map((row) => hydrate(this.manager, SignatureRequestEntity, row));
  }

  /**
   * Collecting proposals past their deadline or their LastLedgerSequence, earliest deadline first,
   * locked with SKIP LOCKED: inside a unit of work they are this sweeper's until it commits, and a
   * concurrent sweeper takes the next ones.
   */
  async dueForExpiry(
    now: Date,
    validatedLedgerIndex: number,
    limit: number,
    network?: string,
  ): Promise<ProposalRecord[]> {
    const rows = await this.manager.query<Record<string, unknown>[]>(
      `SELECT * FROM proposals
       WHERE state = 'collecting' AND (deadline < $1 OR last_ledger_sequence < $2)
         AND ($4::text IS NULL OR account_id IN (SELECT id FROM accounts WHERE network = $4))
       ORDER BY deadline, id
       LIMIT $3
       FOR UPDATE SKIP LOCKED`,
      [now, validatedLedgerIndex, limit, network ?? null],
    );
    return rows.map((row) => hydrate(this.manager, ProposalEntity, row));
  }

  inStates(states: readonly ProposalState[], limit: number, accountId?: string): Promise<ProposalRecord[]> {
    if (states.length === 0) return Promise.resolve([]);
    return this.proposals.find({
      where: { state: In([...states]), ...(accountId ? { accountId } : {}) },
      order: { updatedAt: 'ASC', id: 'ASC' },
      take: limit,
    });
  }

  async awaitingCombine(limit: number): Promise<string[]> {
    const rows = await this.manager.query<{ id: string }[]>(
      `SELECT p.id FROM proposals p JOIN signatures s ON s.proposal_id = p.id
       WHERE p.state = 'collecting'
       GROUP BY p.id, p.signer_quorum
       HAVING sum(s.weight) >= p.signer_quorum
       ORDER BY min(p.updated_at), p.id
       LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  /** Served by `proposals_by_account_created`; amounts and fees summed in SQL as exact numerics. */
  async outflow(
    accountId: string,
    states: readonly ProposalState[],
    since: Date | null,
  ): Promise<{ amountDrops: bigint; feeDrops: bigint }> {
    if (states.length === 0) return { amountDrops: 0n, feeDrops: 0n };
    const rows = await this.manager.query<{ amount: string; fee: string }[]>(
      `SELECT COALESCE(sum(xrp_out_drops), 0)::text AS amount, COALESCE(sum(fee_drops), 0)::text AS fee
       FROM proposals
       WHERE account_id = $1 AND state = ANY($2::text[]) AND ($3::timestamptz IS NULL OR created_at >= $3)`,
      [accountId, [...states], since],
    );
    const row = rows[0];
    return { amountDrops: BigInt(row?.amount ?? '0'), feeDrops: BigInt(row?.fee ?? '0') };
  }

  /** Served by the partial index `proposals_time_locked_by_release`. */
  dueForRelease(now: Date, limit: number): Promise<ProposalRecord[]> {
    return this.proposals
      .createQueryBuilder('p')
      .where(`p.state = 'time_locked'`)
      .andWhere('p.releases_at <= :now', { now })
      .orderBy('p.releases_at', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** The latest attempt per signer (no later one exists), still `created`, of a collecting proposal. */
  async dueForReminder(before: Date, maxAttempt: number, limit: number): Promise<SignatureRequestRecord[]> {
    const rows = await this.manager.query<Record<string, unknown>[]>(
      `SELECT r.* FROM signature_requests r
       JOIN proposals p ON p.id = r.proposal_id
       WHERE r.state = 'created' AND r.attempt < $2 AND r.created_at < $1
         AND p.state = 'collecting'
         AND NOT EXISTS (SELECT 1 FROM signature_requests later
                         WHERE later.proposal_id = r.proposal_id AND later.signer_address = r.signer_address
                           AND later.attempt > r.attempt)
       ORDER BY r.created_at ASC, r.id
       LIMIT $3`,
      [before, maxAttempt, limit],
    );
    return rows.map((row) => hydrate(this.manager, SignatureRequestEntity, row));
  }

  /** ON CONFLICT DO NOTHING on (proposal, signer, attempt): one new attempt, whoever races for it. */
  async addRequestAttempt(
    previous: Pick<SignatureRequestRecord, 'proposalId' | 'signerId' | 'signerAddress' | 'attempt'>,
    request: Pick<SignatureRequestRecord, 'id' | 'customIdentifier'>,
    leaseUntil: Date,
  ): Promise<boolean> {
    const rows = await this.manager.query<unknown[]>(
      `INSERT INTO signature_requests
         (id, proposal_id, signer_id, signer_address, attempt, state, custom_identifier, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7)
       ON CONFLICT (proposal_id, signer_address, attempt) DO NOTHING
       RETURNING id`,
      [
        request.id,
        previous.proposalId,
        previous.signerId,
        previous.signerAddress,
        previous.attempt + 1,
        request.customIdentifier,
        leaseUntil,
      ],
    );
    return rows.length === 1;
  }

  matchingLedgerTransaction(
    accountId: string,
    hash: string,
    number: { sequence: number | null; ticketSequence: number | null },
  ): Promise<ProposalRecord[]> {
    const query = this.proposals
      .createQueryBuilder('p')
      .where('p.account_id = :accountId', { accountId })
      .andWhere(
        new Brackets((or) => {
          or.where('upper(p.combined_hash) = upper(:hash)', { hash }).orWhere(
            'upper(p.result_hash) = upper(:hash)',
            { hash },
          );
          if (number.ticketSequence !== null) {
            or.orWhere('p.ticket_sequence = :ticket', { ticket: number.ticketSequence });
          } else if (number.sequence !== null) {
            or.orWhere('(p.ticket_sequence IS NULL AND p.sequence = :sequence)', {
              sequence: number.sequence,
            });
          }
        }),
      );
    return query.getMany();
  }
}
