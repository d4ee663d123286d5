export * from './coordinator.module';
export * from './fetch-webhook-transport';
