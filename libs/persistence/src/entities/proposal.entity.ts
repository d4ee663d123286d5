import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ProposalState, SignerListSnapshot } from '../domain-contracts';
import { bigintNumber, nullableBigintNumber } from './transformers';

@Entity('proposals')
export class ProposalEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'account_id' }) accountId!: string;
  @Column('text') state!: ProposalState;
  @Column('text', { name: 'transaction_type' }) transactionType!: string;
  @Column('jsonb', { name: 'tx_template' }) txTemplate!: Record<string, unknown>;
  @Column('jsonb', { name: 'prepared_tx' }) preparedTx!: Record<string, unknown>;
  @Column('text', { name: 'prepared_tx_hex' }) preparedTxHex!: string;
  @Column('bigint', { transformer: bigintNumber }) sequence!: number;
  @Column('bigint', { name: 'ticket_sequence', nullable: true, transformer: nullableBigintNumber })
  ticketSequence!: number | null;
  @Column('bigint', { name: 'fee_drops', transformer: bigintNumber }) feeDrops!: number;
  @Column('integer', { name: 'max_signatures' }) maxSignatures!: number;
  @Column('bigint', { name: 'last_ledger_sequence', transformer: bigintNumber }) lastLedgerSequence!: number;
  @Column('integer', { name: 'signer_quorum' }) signerQuorum!: number;
  @Column('jsonb', { name: 'signer_list_snapshot' }) signerListSnapshot!: SignerListSnapshot;
  @Column('timestamptz') deadline!: Date;
  @Column('text', { nullable: true }) instruction!: string | null;
  @Column('uuid', { name: 'created_by', nullable: true }) createdBy!: string | null;
  @Column('text', { name: 'idempotency_key', nullable: true }) idempotencyKey!: string | null;
  @Column('text', { name: 'request_fingerprint', nullable: true }) requestFingerprint!: string | null;
  @Column('timestamptz', { name: 'quorum_reached_at', nullable: true }) quorumReachedAt!: Date | null;
  @Column('text', { name: 'combined_blob', nullable: true }) combinedBlob!: string | null;
  @Column('text', { name: 'combined_hash', nullable: true }) combinedHash!: string | null;
  @Column('integer', { name: 'submit_attempts', default: 0 }) submitAttempts!: number;
  @Column('text', { name: 'last_submit_result', nullable: true }) lastSubmitResult!: string | null;
  @Column('timestamptz', { name: 'submitted_at', nullable: true }) submittedAt!: Date | null;
  @Column('bigint', { name: 'submitted_ledger_index', nullable: true, transformer: nullableBigintNumber })
  submittedLedgerIndex!: number | null;
  @Column('timestamptz', { name: 'last_submitted_at', nullable: true }) lastSubmittedAt!: Date | null;
  @Column('bigint', {
    name: 'last_submitted_ledger_index',
    nullable: true,
    transformer: nullableBigintNumber,
  })
  lastSubmittedLedgerIndex!: number | null;
  @Column('text', { name: 'result_code', nullable: true }) resultCode!: string | null;
  @Column('bigint', { name: 'result_ledger_index', nullable: true, transformer: nullableBigintNumber })
  resultLedgerIndex!: number | null;
  @Column('text', { name: 'result_hash', nullable: true }) resultHash!: string | null;
  @Column('jsonb', { name: 'delivered_amount', nullable: true }) deliveredAmount!: unknown;
  @Column('text', { name: 'final_reason', nullable: true }) finalReason!: string | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
  /** bigint as a decimal string: sums of amounts exceed 2^53 drops only in theory, but stay exact. */
  @Column('bigint', { name: 'xrp_out_drops', default: 0 }) xrpOutDrops!: string;
  @Column('integer', { name: 'policy_version', default: 0 }) policyVersion!: number;
  @Column('integer', { name: 'time_lock_seconds', default: 0 }) timeLockSeconds!: number;
  @Column('timestamptz', { name: 'releases_at', nullable: true }) releasesAt!: Date | null;
  @Column('uuid', { name: 'replaces_id', nullable: true }) replacesId!: string | null;
  @Column('text', { name: 'replaces_kind', nullable: true }) replacesKind!: 'renewal' | 'invalidation' | null;
  @Column('uuid', { name: 'replaced_by_id', nullable: true }) replacedById!: string | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}
