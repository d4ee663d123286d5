import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('signatures')
export class SignatureEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'proposal_id' }) proposalId!: string;
  @Column('uuid', { name: 'signature_request_id' }) signatureRequestId!: string;
  @Column('text', { name: 'signer_address' }) signerAddress!: string;
  @Column('text', { name: 'signing_pub_key' }) signingPubKey!: string;
  @Column('text', { name: 'txn_signature' }) txnSignature!: string;
  @Column('text', { name: 'key_type' }) keyType!: 'master' | 'regular';
  @Column('integer') weight!: number;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
}
