import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('console_sessions')
export class ConsoleSessionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { name: 'secret_hash' }) secretHash!: string;
  @Column('uuid', { name: 'api_key_id' }) apiKeyId!: string;
  @Column('text') role!: 'admin' | 'proposer' | 'viewer';
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
}
