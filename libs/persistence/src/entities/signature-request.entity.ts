import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RequestState } from '../domain-contracts';

@Entity('signature_requests')
export class SignatureRequestEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'proposal_id' }) proposalId!: string;
  @Column('uuid', { name: 'signer_id' }) signerId!: string;
  @Column('text', { name: 'signer_address' }) signerAddress!: string;
  @Column('integer', { default: 1 }) attempt!: number;
  @Column('text') state!: RequestState;
  @Column('text', { name: 'custom_identifier' }) customIdentifier!: string;
  @Column('uuid', { name: 'xaman_payload_uuid', nullable: true }) xamanPayloadUuid!: string | null;
  @Column('boolean', { nullable: true }) pushed!: boolean | null;
  @Column('text', { name: 'sign_link', nullable: true }) signLink!: string | null;
  @Column('text', { name: 'qr_png', nullable: true }) qrPng!: string | null;
  @Column('integer', { name: 'create_attempts', default: 0 }) createAttempts!: number;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt!: Date | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('text', { name: 'blob_hex', nullable: true }) blobHex!: string | null;
  @Column('text', { name: 'blob_txid', nullable: true }) blobTxid!: string | null;
  @Column('text', { name: 'refusal_code', nullable: true }) refusalCode!: string | null;
  @Column('text', { name: 'refusal_detail', nullable: true }) refusalDetail!: string | null;
  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt!: Date | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
  /** The payload's resolution lease (claimPayload): the adapter's own, never read into a record. */
  @Column('timestamptz', { name: 'resolve_lease_until', nullable: true, select: false })
  resolveLeaseUntil?: Date | null;
  @Column('boolean', { name: 'resolve_again', default: false, select: false }) resolveAgain?: boolean;
}
