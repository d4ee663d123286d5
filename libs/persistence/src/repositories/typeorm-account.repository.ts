import { EntityManager, In } from 'typeorm';
import {
  AccountRecord,
  AccountRepository,
  DelegateFacts,
  NewAccount,
  NewOutsideTransaction,
  OutsideTransactionRecord,
  NewSigner,
  SignerListSnapshotUpdate,
  SignerPatch,
  SignerRecord,
  TokenCheckRecord,
} from '../domain-contracts';
import { AccountEntity, OutsideTransactionEntity, SignerEntity } from '../entities';
import { atomically, columns, hydrate } from './typeorm-support';

/** Columns a SignerList snapshot refreshes on a signer already known (labels and enrolment are kept). */
const SNAPSHOT_SIGNER_COLUMNS = [
  'weight',
  'funded',
  'master_disabled',
  'regular_key',
  'key_facts_ledger_index',
  'in_signer_list',
  'updated_at',
];

/** The AccountRepository port on PostgreSQL, bound to one EntityManager (see TypeormProposalRepository). */
export class TypeormAccountRepository extends AccountRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  /** ON CONFLICT DO NOTHING on (network, address): a duplicate gives null and leaves a transaction usable. */
  insert(account: NewAccount, signers: NewSigner[], readAt: Date): Promise<AccountRecord | null> {
    return atomically(this.manager, async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .insert()
        .into(AccountEntity)
        .values({ ...account, signerListReadAt: readAt })
        .orIgnore()
        .returning('id')
        .execute();
      const inserted = (result.raw as { id: string }[])[0];
      if (!inserted) return null;
      if (signers.length > 0) {
        await manager
          .getRepository(SignerEntity)
          .insert(signers.map((s) => ({ ...s, accountId: inserted.id, inSignerList: true })));
      }
      return manager.getRepository(AccountEntity).findOneOrFail({ where: { id: inserted.id } });
    });
  }

  find(id: string): Promise<AccountRecord | null> {
    return this.manager.getRepository(AccountEntity).findOne({ where: { id } });
  }

  list(): Promise<AccountRecord[]> {
    return this.manager.getRepository(AccountEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  signersOf(accountId: string): Promise<SignerRecord[]> {
    return this.manager.getRepository(SignerEntity).find({ where: { accountId }, order: { address: 'ASC' } });
  }

  replaceSnapshot(accountId: string, snapshot: SignerListSnapshotUpdate, readAt: Date): Promise<void> {
    return atomically(this.manager, async (manager) => {
      const { signers, ...accountPatch } = snapshot;
      await manager
        .createQueryBuilder()
        .update(AccountEntity)
        .set(columns<AccountEntity>({ ...accountPatch, signerListReadAt: readAt, updatedAt: () => 'now()' }))
        .where('id = :accountId', { accountId })
        .execute();
      await manager
        .createQueryBuilder()
        .update(SignerEntity)
        .set({ inSignerList: false, updatedAt: () => 'now()' })
        .where('account_id = :accountId AND in_signer_list', { accountId })
        .execute();
      if (signers.length === 0) return;
      await manager
        .createQueryBuilder()
        .insert()
        .into(SignerEntity)
        .values(signers.map((s) => ({ ...s, accountId, inSignerList: true })))
        .orUpdate(SNAPSHOT_SIGNER_COLUMNS, ['account_id', 'address'])
        .execute();
    });
  }

  async updateSigner(signerId: string, patch: SignerPatch): Promise<SignerRecord> {
    const result = await this.manager
      .createQueryBuilder()
      .update(SignerEntity)
      .set(columns<SignerEntity>({ ...patch, updatedAt: () => 'now()' }))
      .where('id = :signerId', { signerId })
      .returning('*')
      .execute();
    const row = (result.raw as Record<string, unknown>[])[0];
    if (!row) throw new Error(`Signer ${signerId} does not exist.`);
    return hydrate(this.manager, SignerEntity, row);
  }

  findSigner(signerId: string): Promise<SignerRecord | null> {
    return this.manager.getRepository(SignerEntity).findOne({ where: { id: signerId } });
  }

  /** One `SELECT ... WHERE id IN (...)`, whatever the number of ids. */
  async findSigners(signerIds: readonly string[]): Promise<SignerRecord[]> {
    if (signerIds.length === 0) return [];
    return this.manager.getRepository(SignerEntity).find({ where: { id: In([...signerIds]) } });
  }

  /** One UPDATE over the unnested checks. */
  async recordTokenChecks(checks: readonly TokenCheckRecord[]): Promise<void> {
    if (checks.length === 0) return;
    await this.manager.query(
      `UPDATE signers s
       SET user_token_expires_at = c.expires_at, user_token_checked_at = c.checked_at, updated_at = now()
       FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS c(id, expires_at, checked_at)
       WHERE s.id = c.id`,
      [checks.map((c) => c.signerId), checks.map((c) => c.expiresAt), checks.map((c) => c.checkedAt)],
    );
  }

  findSignerByEnrolmentPayload(payloadUuid: string): Promise<SignerRecord | null> {
    return this.manager.getRepository(SignerEntity).findOne({ where: { enrolmentPayloadUuid: payloadUuid } });
  }

  /** Conditional on the signer still pending on this payload: one resolution stores the token. */
  async settleEnrolment(signerId: string, payloadUuid: string, patch: SignerPatch): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .update(SignerEntity)
      .set(columns<SignerEntity>({ ...patch, updatedAt: () => 'now()' }))
      .where("id = :signerId AND enrolment_payload_uuid = :payloadUuid AND enrolment_state = 'pending'", {
        signerId,
        payloadUuid,
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  pendingEnrolments(limit: number): Promise<SignerRecord[]> {
    return this.manager
      .getRepository(SignerEntity)
      .find({ where: { enrolmentState: 'pending' }, order: { updatedAt: 'ASC' }, take: limit });
  }

  async signersWithTokens(afterId: string | null, limit: number): Promise<SignerRecord[]> {
    const query = this.manager
      .getRepository(SignerEntity)
      .createQueryBuilder('s')
      .where('s.user_token_ciphertext IS NOT NULL')
      .orderBy('s.id', 'ASC')
      .take(limit);
    if (afterId !== null) query.andWhere('s.id > :afterId', { afterId });
    return query.getMany();
  }

  /** SELECT ... FOR UPDATE: the row lock lasts until the surrounding transaction ends. */
  async lockForAllocation(accountId: string): Promise<void> {
    if (!this.manager.queryRunner?.isTransactionActive) {
      throw new Error('lockForAllocation outside a unit of work would release the lock at once.');
    }
    await this.manager.query(`SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE`, [accountId]);
  }

  /** ON CONFLICT DO NOTHING on (account, hash): the scan records each transaction once. */
  async recordOutsideTransaction(transaction: NewOutsideTransaction): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .insert()
      .into(OutsideTransactionEntity)
      .values({ ...transaction, amount: transaction.amount as object | string | null })
      .orIgnore()
      .returning('id')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  outsideTransactionsSince(accountId: string, since: Date): Promise<OutsideTransactionRecord[]> {
    return this.manager
      .getRepository(OutsideTransactionEntity)
      .createQueryBuilder('t')
      .where('t.account_id = :accountId AND t.detected_at >= :since', { accountId, since })
      .orderBy('t.ledger_index', 'DESC')
      .addOrderBy('t.hash', 'ASC')
      .getMany();
  }

  /** Never moves back: a slower scan of an older range cannot undo a newer one. */
  async advanceTxScan(accountId: string, ledgerIndex: number): Promise<void> {
    await this.manager.query(
      `UPDATE accounts SET tx_scan_ledger_index = GREATEST(COALESCE(tx_scan_ledger_index, 0), $2)
        WHERE id = $1`,
      [accountId, ledgerIndex],
    );
  }

  async setDelegates(accountId: string, delegates: DelegateFacts[]): Promise<void> {
    await this.manager.query(`UPDATE accounts SET delegates = $2::jsonb, updated_at = now() WHERE id = $1`, [
      accountId,
      JSON.stringify(delegates),
    ]);
  }
}
