import { randomUUID } from 'node:crypto';
import {
  AccountRepository,
  NewAccount,
  NewOutsideTransaction,
  NewSigner,
  TokenCheckRecord,
  SignerListSnapshotUpdate,
  SignerPatch,
} from '../../src/ports/account.repository';
import { AccountRecord, DelegateFacts, OutsideTransactionRecord, SignerRecord } from '../../src/records';
import { Clock } from '../../src/shared/clock';
import { currentUnitOfWork, KeyedMutex, Table } from './in-memory-store';

export class InMemoryAccountRepository extends AccountRepository {
  readonly accounts = new Table<AccountRecord>();
  readonly signers = new Table<SignerRecord>();
  readonly outside = new Table<OutsideTransactionRecord>();
  private readonly allocationLocks = new KeyedMutex();
  /** How many times an allocation lock was taken (tests check creations serialise through it). */
  allocationLockCount = 0;

  constructor(private readonly clock: Clock) {
    super();
  }

  async insert(account: NewAccount, signers: NewSigner[], readAt: Date): Promise<AccountRecord | null> {
    if (this.accounts.find((a) => a.network === account.network && a.address === account.address)) {
      return null;
    }
    const now = this.clock.now();
    const saved = this.accounts.put({
      ...account,
      id: randomUUID(),
      signerListReadAt: readAt,
      txScanLedgerIndex: account.txScanLedgerIndex ?? null,
      delegates: [],
      createdAt: now,
      updatedAt: now,
    });
    for (const signer of signers) this.signers.put(this.newSigner(saved.id, signer));
    return saved;
  }

  async find(id: string): Promise<AccountRecord | null> {
    return this.accounts.get(id);
  }

  async list(): Promise<AccountRecord[]> {
    return this.accounts.all().sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async signersOf(accountId: string): Promise<SignerRecord[]> {
    return this.signers
      .filter((s) => s.accountId === accountId)
      .sort((a, b) => a.address.localeCompare(b.address));
  }

  async replaceSnapshot(accountId: string, snapshot: SignerListSnapshotUpdate, readAt: Date): Promise<void> {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`No account ${accountId}`);
    const now = this.clock.now();
    const { signers, ...fields } = snapshot;
    this.accounts.put({ ...account, ...fields, signerListReadAt: readAt, updatedAt: now });
    const existing = await this.signersOf(accountId);
    for (const signer of signers) {
      const known = existing.find((s) => s.address === signer.address);
      this.signers.put(
        known
          ? { ...known, ...signer, inSignerList: true, updatedAt: now }
          : this.newSigner(accountId, signer),
      );
    }
    for (const gone of existing.filter((s) => !signers.some((n) => n.address === s.address))) {
      this.signers.put({ ...gone, inSignerList: false, updatedAt: now });
    }
  }

  async updateSigner(signerId: string, patch: SignerPatch): Promise<SignerRecord> {
    const signer = this.signers.get(signerId);
    if (!signer) throw new Error(`No signer ${signerId}`);
    return this.signers.put({ ...signer, ...patch, updatedAt: this.clock.now() });
  }

  async findSigner(signerId: string): Promise<SignerRecord | null> {
    return this.signers.get(signerId);
  }

  /** How many times findSigners was called (tests check a batch reads its signers once). */
  findSignersCalls = 0;

  async findSigners(signerIds: readonly string[]): Promise<SignerRecord[]> {
    this.findSignersCalls++;
    const wanted = new Set(signerIds);
    return this.signers.filter((s) => wanted.has(s.id));
  }

  async recordTokenChecks(checks: readonly TokenCheckRecord[]): Promise<void> {
    for (const check of checks) {
      await this.updateSigner(check.signerId, {
        userTokenExpiresAt: check.expiresAt,
        userTokenCheckedAt: check.checkedAt,
      });
    }
  }

  async findSignerByEnrolmentPayload(payloadUuid: string): Promise<SignerRecord | null> {
    return this.signers.find((s) => s.enrolmentPayloadUuid === payloadUuid) ?? null;
  }

  async settleEnrolment(signerId: string, payloadUuid: string, patch: SignerPatch): Promise<boolean> {
    const signer = this.signers.get(signerId);
    if (!signer || signer.enrolmentState !== 'pending' || signer.enrolmentPayloadUuid !== payloadUuid) {
      return false;
    }
    this.signers.put({ ...signer, ...patch, updatedAt: this.clock.now() });
    return true;
  }

  async pendingEnrolments(limit: number): Promise<SignerRecord[]> {
    return this.signers
      .filter((s) => s.enrolmentState === 'pending')
      .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime())
      .slice(0, limit);
  }

  async signersWithTokens(afterId: string | null, limit: number): Promise<SignerRecord[]> {
    return this.signers
      .filter((s) => s.userTokenCiphertext !== null && (afterId === null || s.id > afterId))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit);
  }

  async recordOutsideTransaction(transaction: NewOutsideTransaction): Promise<boolean> {
    if (this.outside.find((t) => t.accountId === transaction.accountId && t.hash === transaction.hash)) {
      return false;
    }
    this.outside.put({ ...transaction, id: randomUUID() });
    return true;
  }

  async outsideTransactionsSince(accountId: string, since: Date): Promise<OutsideTransactionRecord[]> {
    return this.outside
      .filter((t) => t.accountId === accountId && t.detectedAt.getTime() >= since.getTime())
      .sort((a, b) => b.ledgerIndex - a.ledgerIndex);
  }

  async advanceTxScan(accountId: string, ledgerIndex: number): Promise<void> {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`No account ${accountId}`);
    const txScanLedgerIndex = Math.max(account.txScanLedgerIndex ?? 0, ledgerIndex);
    this.accounts.put({ ...account, txScanLedgerIndex });
  }

  async setDelegates(accountId: string, delegates: DelegateFacts[]): Promise<void> {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`No account ${accountId}`);
    this.accounts.put({ ...account, delegates, updatedAt: this.clock.now() });
  }

  /** Like `SELECT ... FOR UPDATE` on the account row: held until the unit of work ends. */
  async lockForAllocation(accountId: string): Promise<void> {
    const unit = currentUnitOfWork.getStore();
    if (!unit) throw new Error('lockForAllocation outside a unit of work');
    if (unit.releases.has(accountId)) return;
    const release = await this.allocationLocks.acquire(accountId);
    this.allocationLockCount++;
    unit.releases.set(accountId, release);
  }

  private newSigner(accountId: string, signer: NewSigner): SignerRecord {
    const now = this.clock.now();
    return {
      ...signer,
      id: randomUUID(),
      accountId,
      inSignerList: true,
      label: null,
      userTokenCiphertext: null,
      userTokenExpiresAt: null,
      enrolmentState: 'none',
      enrolmentPayloadUuid: null,
      enrolmentSignLink: null,
      enrolmentQrPng: null,
      enrolmentExpiresAt: null,
      enrolmentRefusalCode: null,
      enrolmentRefusalDetail: null,
      enrolledAt: null,
      userTokenCheckedAt: null,
      tokenWarnedExpiry: null,
      createdAt: now,
      updatedAt: now,
    };
  }
}
