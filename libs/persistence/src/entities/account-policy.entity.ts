import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { PolicyRules } from '../domain-contracts';

@Entity('account_policies')
export class AccountPolicyEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'account_id' }) accountId!: string;
  @Column('integer') version!: number;
  @Column('jsonb') rules!: PolicyRules;
  @Column('uuid', { name: 'created_by', nullable: true }) createdBy!: string | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
}
