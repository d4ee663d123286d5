import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from './transformers';

@Entity('accounts')
export class AccountEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') network!: string;
  @Column('text') address!: string;
  @Column('text', { nullable: true }) label!: string | null;
  @Column('integer', { name: 'signer_quorum' }) signerQuorum!: number;
  @Column('bigint', { name: 'signer_list_ledger_index', transformer: bigintNumber })
  signerListLedgerIndex!: number;
  @Column('timestamptz', { name: 'signer_list_read_at' }) signerListReadAt!: Date;
  @Column('boolean', { name: 'master_disabled', default: false }) masterDisabled!: boolean;
  @Column('text', { name: 'regular_key', nullable: true }) regularKey!: string | null;
  @Column('bigint', { name: 'tx_scan_ledger_index', nullable: true, transformer: bigintNumber })
  txScanLedgerIndex!: number | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}
