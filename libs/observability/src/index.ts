export * from './prometheus-metrics';
export * from './instrument';
