import { randomUUID } from 'node:crypto';
import { Brackets, DataSource, EntityManager, In, IsNull, LessThan, QueryFailedError } from 'typeorm';
import {
  AccountRecord,
  Actor,
  AuditEntry,
  CoordinatorStore,
  DomainError,
  NewAccount,
  NewProposal,
  NewSignature,
  NewSignatureRequest,
  NewSigner,
  OPEN_PROPOSAL_STATES,
  payloadIdentifier,
  ProposalListFilter,
  ProposalRecord,
  ProposalState,
  RequestState,
  SignatureRecord,
  SignatureRequestRecord,
  SignerRecord,
} from '@app/domain';
import {
  AccountEntity,
  AuditEventEntity,
  ProposalEntity,
  SignatureEntity,
  SignatureRequestEntity,
  SignerEntity,
} from '../entities';

function constraintOf(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' ? driverError.constraint : undefined;
}

/** The CoordinatorStore port on PostgreSQL through TypeORM. */
export class TypeormCoordinatorStore implements CoordinatorStore {
  constructor(private readonly dataSource: DataSource) {}

  private async writeAudit(manager: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    await manager.getRepository(AuditEventEntity).insert({
      actorType: actor.type,
      actorId: actor.id,
      requestId: actor.requestId ?? null,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      details: (entry.details ?? {}) as never,
    });
  }

  audit(actor: Actor, entry: AuditEntry): Promise<void> {
    return this.writeAudit(this.dataSource.manager, actor, entry);
  }

  // ------------------------------------------------------------ accounts

  async insertAccount(account: NewAccount, signers: NewSigner[], actor: Actor): Promise<AccountRecord> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const saved = await manager
          .getRepository(AccountEntity)
          .save(manager.getRepository(AccountEntity).create({ ...account, signerListReadAt: new Date() }));
        await manager
          .getRepository(SignerEntity)
          .insert(signers.map((s) => ({ ...s, accountId: saved.id, inSignerList: true })));
        await this.writeAudit(manager, actor, {
          action: 'account.registered',
          entityType: 'account',
          entityId: saved.id,
          details: {
            address: account.address,
            network: account.network,
            quorum: account.signerQuorum,
            signers: signers.length,
          },
        });
        return saved;
      });
    } catch (error) {
      if (constraintOf(error) === 'accounts_network_address_unique') {
        throw new DomainError(
          'ACCOUNT_ALREADY_REGISTERED',
          `${account.address} is already registered on ${account.network}.`,
          {
            address: account.address,
          },
        );
      }
      throw error;
    }
  }

  findAccount(id: string): Promise<AccountRecord | null> {
    return this.dataSource.getRepository(AccountEntity).findOne({ where: { id } });
  }

  listAccounts(): Promise<AccountRecord[]> {
    return this.dataSource.getRepository(AccountEntity).find({ order: { createdAt: 'ASC' } });
  }

  signersOf(accountId: string): Promise<SignerRecord[]> {
    return this.dataSource
      .getRepository(SignerEntity)
      .find({ where: { accountId }, order: { address: 'ASC' } });
  }

  async replaceSignerSnapshot(
    accountId: string,
    snapshot: Omit<NewAccount, 'network' | 'address' | 'label'> & { signers: NewSigner[] },
    invalidateOpenProposals: boolean,
    actor: Actor,
  ): Promise<{ invalidatedProposalIds: string[] }> {
    return this.dataSource.transaction(async (manager) => {
      const { signers, ...accountPatch } = snapshot;
      await manager
        .getRepository(AccountEntity)
        .update({ id: accountId }, { ...accountPatch, signerListReadAt: new Date(), updatedAt: new Date() });
      await manager
        .getRepository(SignerEntity)
        .update({ accountId }, { inSignerList: false, updatedAt: new Date() });
      for (const signer of signers) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(SignerEntity)
          .values({ ...signer, accountId, inSignerList: true })
          .orUpdate(
            [
              'weight',
              'funded',
              'master_disabled',
              'regular_key',
              'key_facts_ledger_index',
              'in_signer_list',
              'updated_at',
            ],
            ['account_id', 'address'],
          )
          .execute();
      }
      let invalidatedProposalIds: string[] = [];
      if (invalidateOpenProposals) {
        const rows = await manager.query<[{ id: string }[], number]>(
          `UPDATE proposals SET state = 'invalidated', closed_at = now(), updated_at = now(),
             final_reason = 'The SignerList or a signer''s keys changed after the proposal was prepared'
           WHERE account_id = $1 AND state = 'collecting' RETURNING id`,
          [accountId],
        );
        invalidatedProposalIds = rows[0].map((r) => r.id);
        if (invalidatedProposalIds.length > 0) {
          await manager.query(
            `UPDATE signature_requests SET state = 'cancelled', updated_at = now()
             WHERE proposal_id = ANY($1) AND state = 'queued'`,
            [invalidatedProposalIds],
          );
        }
      }
      await this.writeAudit(manager, actor, {
        action: 'account.refreshed',
        entityType: 'account',
        entityId: accountId,
        details: { quorum: snapshot.signerQuorum, signers: signers.length, invalidatedProposalIds },
      });
      return { invalidatedProposalIds };
    });
  }

  async updateSigner(
    signerId: string,
    patch: Partial<
      Pick<SignerRecord, 'label' | 'userTokenCiphertext' | 'userTokenExpiresAt' | 'enrolmentState'>
    >,
    actor: Actor,
    audit: AuditEntry,
  ): Promise<SignerRecord> {
    return this.dataSource.transaction(async (manager) => {
      await manager.getRepository(SignerEntity).update({ id: signerId }, { ...patch, updatedAt: new Date() });
      await this.writeAudit(manager, actor, audit);
      return (await manager.getRepository(SignerEntity).findOne({ where: { id: signerId } }))!;
    });
  }

  // ------------------------------------------------------------ proposals

  findProposalByIdempotencyKey(createdBy: string | null, key: string): Promise<ProposalRecord | null> {
    return this.dataSource
      .getRepository(ProposalEntity)
      .findOne({ where: { createdBy: createdBy === null ? IsNull() : createdBy, idempotencyKey: key } });
  }

  async heldSequences(accountId: string): Promise<{ sequences: number[]; tickets: number[] }> {
    const rows = await this.dataSource.getRepository(ProposalEntity).find({
      where: { accountId, state: In([...OPEN_PROPOSAL_STATES]) },
      select: { sequence: true, ticketSequence: true },
    });
    return {
      sequences: rows.filter((r) => r.ticketSequence === null).map((r) => r.sequence),
      tickets: rows.filter((r) => r.ticketSequence !== null).map((r) => r.ticketSequence!),
    };
  }

  async insertProposal(
    proposal: NewProposal,
    requests: NewSignatureRequest[],
    actor: Actor,
    leaseMs: number,
  ): Promise<ProposalRecord> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const saved = await manager
          .getRepository(ProposalEntity)
          .save(manager.getRepository(ProposalEntity).create({ ...proposal, state: 'collecting' }));
        await manager.getRepository(SignatureRequestEntity).insert(
          requests.map((r) => {
            const id = randomUUID();
            return {
              ...r,
              id,
              proposalId: saved.id,
              attempt: 1,
              state: 'queued' as const,
              customIdentifier: payloadIdentifier(id),
              nextAttemptAt: new Date(Date.now() + leaseMs),
            };
          }),
        );
        await this.writeAudit(manager, actor, {
          action: 'proposal.created',
          entityType: 'proposal',
          entityId: saved.id,
          details: {
            accountId: proposal.accountId,
            transactionType: proposal.transactionType,
            sequence: proposal.sequence,
            ticketSequence: proposal.ticketSequence,
            signers: requests.length,
          },
        });
        return saved;
      });
    } catch (error) {
      const constraint = constraintOf(error);
      if (constraint === 'proposals_idempotency_unique') {
        throw new DomainError('IDEMPOTENCY_RACE', 'A concurrent request used the same Idempotency-Key.');
      }
      if (constraint === 'proposals_open_sequence_unique') {
        throw new DomainError(
          'SEQUENCE_IN_USE',
          'Another open proposal took the same Sequence/Ticket a moment ago; try again.',
          { sequence: proposal.sequence, ticketSequence: proposal.ticketSequence },
        );
      }
      throw error;
    }
  }

  findProposal(id: string): Promise<ProposalRecord | null> {
    return this.dataSource.getRepository(ProposalEntity).findOne({ where: { id } });
  }

  listProposals(filter: ProposalListFilter): Promise<ProposalRecord[]> {
    const query = this.dataSource
      .getRepository(ProposalEntity)
      .createQueryBuilder('p')
      .orderBy('p.created_at', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .limit(filter.limit);
    if (filter.state) query.andWhere('p.state = :state', { state: filter.state });
    if (filter.accountId) query.andWhere('p.account_id = :accountId', { accountId: filter.accountId });
    if (filter.after) {
      query.andWhere(
        new Brackets((q) =>
          q.where('(p.created_at, p.id) < (:afterTime, :afterId)', {
            afterTime: filter.after!.createdAt,
            afterId: filter.after!.id,
          }),
        ),
      );
    }
    return query.getMany();
  }

  requestsOf(proposalId: string): Promise<SignatureRequestRecord[]> {
    return this.dataSource
      .getRepository(SignatureRequestEntity)
      .find({ where: { proposalId }, order: { signerAddress: 'ASC', attempt: 'ASC' } });
  }

  signaturesOf(proposalId: string): Promise<SignatureRecord[]> {
    return this.dataSource
      .getRepository(SignatureEntity)
      .find({ where: { proposalId }, order: { createdAt: 'ASC' } });
  }

  async transitionProposal(
    id: string,
    from: readonly ProposalState[],
    to: ProposalState,
    patch: Partial<ProposalRecord>,
    actor: Actor,
    details: Record<string, unknown> = {},
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const closing = !OPEN_PROPOSAL_STATES.includes(to);
      const result = await manager
        .createQueryBuilder()
        .update(ProposalEntity)
        .set({
          ...(patch as object),
          state: to,
          updatedAt: () => 'now()',
          ...(closing ? { closedAt: () => 'now()' } : {}),
        })
        .where('id = :id AND state IN (:...from)', { id, from: [...from] })
        .execute();
      if ((result.affected ?? 0) !== 1) return false;
      await this.writeAudit(manager, actor, {
        action: `proposal.${to}`,
        entityType: 'proposal',
        entityId: id,
        details: { from: [...from], ...details },
      });
      return true;
    });
  }

  async patchProposal(
    id: string,
    states: readonly ProposalState[],
    patch: Partial<ProposalRecord>,
  ): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(ProposalEntity)
      .set({ ...(patch as object), updatedAt: () => 'now()' })
      .where('id = :id AND state IN (:...states)', { id, states: [...states] })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  // ------------------------------------------------------------ signature requests

  findRequest(id: string): Promise<SignatureRequestRecord | null> {
    return this.dataSource.getRepository(SignatureRequestEntity).findOne({ where: { id } });
  }

  findRequestByPayload(uuid: string): Promise<SignatureRequestRecord | null> {
    return this.dataSource
      .getRepository(SignatureRequestEntity)
      .findOne({ where: { xamanPayloadUuid: uuid } });
  }

  async claimRequestForDispatch(
    id: string,
    leaseMs: number,
    first = false,
  ): Promise<SignatureRequestRecord | null> {
    const rows = await this.dataSource.query<[{ id: string }[], number]>(
      `UPDATE signature_requests
         SET create_attempts = create_attempts + 1,
             next_attempt_at = now() + ($2::int * interval '1 millisecond'),
             updated_at = now()
       WHERE id = $1 AND state = 'queued'
         AND ((create_attempts = 0 AND $3::boolean) OR next_attempt_at IS NULL OR next_attempt_at <= now())
       RETURNING id`,
      [id, leaseMs, first],
    );
    if (rows[0].length !== 1) return null;
    return this.findRequest(id);
  }

  async dueQueuedRequests(limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM signature_requests
       WHERE state = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= now())
       ORDER BY next_attempt_at NULLS FIRST LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  openRequestsNotSeenSince(before: Date, limit: number): Promise<SignatureRequestRecord[]> {
    return this.dataSource.getRepository(SignatureRequestEntity).find({
      where: { state: In(['created', 'opened']), updatedAt: LessThan(before) },
      order: { updatedAt: 'ASC' },
      take: limit,
    });
  }

  async touchRequest(id: string): Promise<void> {
    await this.dataSource.getRepository(SignatureRequestEntity).update({ id }, { updatedAt: new Date() });
  }

  async transitionRequest(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    patch: Partial<SignatureRequestRecord>,
    actor: Actor,
    details: Record<string, unknown> = {},
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(SignatureRequestEntity)
        .set({ ...(patch as object), state: to, updatedAt: () => 'now()' })
        .where('id = :id AND state IN (:...from)', { id, from: [...from] })
        .execute();
      if ((result.affected ?? 0) !== 1) return false;
      if (!from.includes(to) || from.length > 1) {
        await this.writeAudit(manager, actor, {
          action: `signature_request.${to}`,
          entityType: 'signature_request',
          entityId: id,
          details,
        });
      }
      return true;
    });
  }

  async recordSignature(
    request: SignatureRequestRecord,
    from: readonly RequestState[],
    blob: { hex: string; txid: string | null },
    signature: NewSignature,
    actor: Actor,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(SignatureRequestEntity)
        .set({
          state: 'signed',
          blobHex: blob.hex,
          blobTxid: blob.txid,
          resolvedAt: () => 'now()',
          updatedAt: () => 'now()',
        } as never)
        .where('id = :id AND state IN (:...from)', { id: request.id, from: [...from] })
        .execute();
      if ((result.affected ?? 0) !== 1) return false;
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(SignatureEntity)
        .values({ ...signature, proposalId: request.proposalId, signatureRequestId: request.id })
        .orIgnore()
        .execute();
      await this.writeAudit(manager, actor, {
        action: 'signature.accepted',
        entityType: 'proposal',
        entityId: request.proposalId,
        details: {
          signer: signature.signerAddress,
          keyType: signature.keyType,
          weight: signature.weight,
          duplicate: (inserted.identifiers.length ?? 0) === 0,
        },
      });
      return true;
    });
  }

  // ------------------------------------------------------------ worker

  proposalsDueForExpiry(now: Date, validatedLedgerIndex: number, limit: number): Promise<ProposalRecord[]> {
    return this.dataSource
      .getRepository(ProposalEntity)
      .createQueryBuilder('p')
      .where(`p.state = 'collecting'`)
      .andWhere('(p.deadline < :now OR p.last_ledger_sequence < :validated)', {
        now,
        validated: validatedLedgerIndex,
      })
      .orderBy('p.deadline', 'ASC')
      .limit(limit)
      .getMany();
  }

  async proposalsAwaitingCombine(limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT p.id FROM proposals p JOIN signatures s ON s.proposal_id = p.id
       WHERE p.state = 'collecting'
       GROUP BY p.id, p.signer_quorum
       HAVING sum(s.weight) >= p.signer_quorum
       LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  proposalsInStates(
    states: readonly ProposalState[],
    limit: number,
    accountId?: string,
  ): Promise<ProposalRecord[]> {
    return this.dataSource.getRepository(ProposalEntity).find({
      where: { state: In([...states]), ...(accountId ? { accountId } : {}) },
      order: { updatedAt: 'ASC' },
      take: limit,
    });
  }
}
