export * from './app-config';
export * from './config.errors';
export * from './load-config';
export * from './config.module';
export * from './sandbox-config';
