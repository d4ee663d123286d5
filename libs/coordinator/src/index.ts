export * from './coordinator.module';
