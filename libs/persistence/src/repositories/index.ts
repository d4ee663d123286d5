export * from './api-key.store';
export * from './audit-log';
