export * from './ledger';
export * from './xaman';
export * from './scenario';
