export * from './xrpl-ledger.gateway';
export * from './xrpl-ledgers';
