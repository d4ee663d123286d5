export * from './typeorm-account.repository';
export * from './typeorm-api-key.repository';
export * from './typeorm-audit.repository';
export * from './typeorm-database-health';
export * from './typeorm-policy.repository';
export * from './typeorm-proposal.repository';
export * from './typeorm-unit-of-work';
export * from './typeorm-webhook-receipt.repository';
