export * from './xrpl-ledger.gateway';
