export * from './ledger';
export * from './xaman';
