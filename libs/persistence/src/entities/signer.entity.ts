import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from './transformers';

@Entity('signers')
export class SignerEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'account_id' }) accountId!: string;
  @Column('text') address!: string;
  @Column('integer') weight!: number;
  @Column('boolean', { name: 'in_signer_list', default: true }) inSignerList!: boolean;
  @Column('text', { nullable: true }) label!: string | null;
  /** AES-256-GCM ciphertext of the Xaman user_token; never the token itself. */
  @Column('text', { name: 'user_token_ciphertext', nullable: true }) userTokenCiphertext!: string | null;
  @Column('timestamptz', { name: 'user_token_expires_at', nullable: true }) userTokenExpiresAt!: Date | null;
  @Column('text', { name: 'enrolment_state', default: 'none' }) enrolmentState!:
    'none' | 'pending' | 'enrolled' | 'expired';
  @Column('uuid', { name: 'enrolment_payload_uuid', nullable: true }) enrolmentPayloadUuid!: string | null;
  @Column('text', { name: 'enrolment_sign_link', nullable: true }) enrolmentSignLink!: string | null;
  @Column('text', { name: 'enrolment_qr_png', nullable: true }) enrolmentQrPng!: string | null;
  @Column('timestamptz', { name: 'enrolment_expires_at', nullable: true }) enrolmentExpiresAt!: Date | null;
  @Column('text', { name: 'enrolment_refusal_code', nullable: true }) enrolmentRefusalCode!: string | null;
  @Column('text', { name: 'enrolment_refusal_detail', nullable: true }) enrolmentRefusalDetail!:
    string | null;
  @Column('timestamptz', { name: 'enrolled_at', nullable: true }) enrolledAt!: Date | null;
  @Column('timestamptz', { name: 'user_token_checked_at', nullable: true }) userTokenCheckedAt!: Date | null;
  @Column('timestamptz', { name: 'token_warned_expiry', nullable: true }) tokenWarnedExpiry!: Date | null;
  @Column('boolean') funded!: boolean;
  @Column('boolean', { name: 'master_disabled', default: false }) masterDisabled!: boolean;
  @Column('text', { name: 'regular_key', nullable: true }) regularKey!: string | null;
  @Column('bigint', { name: 'key_facts_ledger_index', transformer: bigintNumber })
  keyFactsLedgerIndex!: number;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}
