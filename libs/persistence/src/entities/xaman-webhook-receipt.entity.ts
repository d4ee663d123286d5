import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from './transformers';

@Entity('xaman_webhook_receipts')
export class XamanWebhookReceiptEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('text') signature!: string;
  @Column('uuid', { name: 'payload_uuid', nullable: true }) payloadUuid!: string | null;
  @Column('bigint', { name: 'request_timestamp', transformer: bigintNumber }) requestTimestamp!: number;
  @Column('integer', { nullable: true }) attempt!: number | null;
  @Column('timestamptz', { name: 'received_at', default: () => 'now()' }) receivedAt!: Date;
}
