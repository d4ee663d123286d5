export * from './data-source-options';
export * from './database-unavailable';
export * from './entities';
export * from './persistence.module';
export * from './repositories';
export * from './api-key-tools';
/** For tests and tools that hold a connection: the types, without importing the ORM themselves. */
export { DataSource } from 'typeorm';
export type { Logger as QueryLogger } from 'typeorm';
