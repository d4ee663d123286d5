/**
 * Ledger sandbox: a stateful rippled-compatible WebSocket server for tests, demos and local
 * development. See docs/sandbox-ledger.md.
 */
export { GENESIS, TER_CODES, TER_MESSAGES } from './constants';
export { startLedgerSandbox } from './server';
export type {
  LedgerSandbox,
  LedgerSandboxFaults,
  LedgerSandboxOptions,
  SandboxSubmitResult,
  SandboxTransaction,
} from './types';
export type { AccountRoot, LedgerEntry, SignerListEntry, TicketEntry } from './state';
export type { TxJson, TxMeta } from './engine';
