import { AccountEntity, OutsideTransactionEntity } from './account.entity';
import { AccountPolicyEntity } from './account-policy.entity';
import { ApiKeyEntity } from './api-key.entity';
import { AuditEventEntity } from './audit-event.entity';
import { ProposalEntity } from './proposal.entity';
import { SignatureRequestEntity } from './signature-request.entity';
import { SignatureEntity } from './signature.entity';
import { SignerEntity } from './signer.entity';
import { XamanWebhookReceiptEntity } from './xaman-webhook-receipt.entity';
import { WebhookDeliveryEntity, WebhookEventEntity, WebhookSubscriptionEntity } from './webhook.entities';
import { ConsoleSessionEntity } from './console-session.entity';
import { AccountSetupEntity } from './account-setup.entity';

export * from './account.entity';
export * from './account-policy.entity';
export * from './api-key.entity';
export * from './audit-event.entity';
export * from './proposal.entity';
export * from './signature-request.entity';
export * from './signature.entity';
export * from './signer.entity';
export * from './xaman-webhook-receipt.entity';
export * from './webhook.entities';
export * from './console-session.entity';
export * from './account-setup.entity';

export const ENTITIES = [
  AccountEntity,
  OutsideTransactionEntity,
  AccountPolicyEntity,
  ApiKeyEntity,
  AuditEventEntity,
  ProposalEntity,
  SignatureRequestEntity,
  SignatureEntity,
  SignerEntity,
  XamanWebhookReceiptEntity,
  WebhookSubscriptionEntity,
  WebhookEventEntity,
  WebhookDeliveryEntity,
  ConsoleSessionEntity,
  AccountSetupEntity,
];
