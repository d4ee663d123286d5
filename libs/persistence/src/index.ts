export * from './data-source-options';
export * from './database-unavailable';
export * from './entities';
export * from './persistence.module';
export * from './repositories';
export * from './api-key-tools';
