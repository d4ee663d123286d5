import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('audit_events')
export class AuditEventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('timestamptz', { name: 'occurred_at', default: () => 'now()' }) occurredAt!: Date;
  @Column('text', { name: 'actor_type' }) actorType!: 'api_key' | 'xaman' | 'worker' | 'system';
  @Column('text', { name: 'actor_id', nullable: true }) actorId!: string | null;
  @Column('text') action!: string;
  @Column('text', { name: 'entity_type' }) entityType!: string;
  @Column('text', { name: 'entity_id' }) entityId!: string;
  @Column('text', { name: 'request_id', nullable: true }) requestId!: string | null;
  @Column('jsonb') details!: Record<string, unknown>;
}
