import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { DelegateFacts } from '@app/domain';
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
  @Column('jsonb', { default: () => "'[]'" }) delegates!: DelegateFacts[];
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}

@Entity('account_outside_transactions')
export class OutsideTransactionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'account_id' }) accountId!: string;
  @Column('text') hash!: string;
  @Column('text', { name: 'transaction_type' }) transactionType!: string;
  @Column('bigint', { name: 'ledger_index', transformer: bigintNumber }) ledgerIndex!: number;
  @Column('text') result!: string;
  @Column('jsonb', { nullable: true }) amount!: object | string | null;
  @Column('text', { nullable: true }) destination!: string | null;
  @Column('timestamptz', { name: 'detected_at' }) detectedAt!: Date;
}
