import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Actor, SetupState, SetupStepRecord } from '../domain-contracts';

@Entity('account_setups')
export class AccountSetupEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') network!: string;
  @Column('text') address!: string;
  @Column('text', { nullable: true }) label!: string | null;
  @Column('integer') quorum!: number;
  @Column('jsonb') signers!: { address: string; weight: number }[];
  @Column('boolean', { name: 'disable_master', default: false }) disableMaster!: boolean;
  @Column('text') state!: SetupState;
  @Column('jsonb') steps!: SetupStepRecord[];
  @Column('text', { name: 'failure_code', nullable: true }) failureCode!: string | null;
  @Column('text', { name: 'failure_detail', nullable: true }) failureDetail!: string | null;
  @Column('uuid', { name: 'account_id', nullable: true }) accountId!: string | null;
  @Column('jsonb') actor!: Actor;
  @Column('integer', { default: 1 }) version!: number;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}
