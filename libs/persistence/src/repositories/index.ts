export * from './api-key.store';
export * from './audit-log';
export * from './typeorm-coordinator.store';
