/** The ledger sandbox's fault switches (`sandbox.faults`). See docs/sandbox-ledger.md. */
import type { Chain } from './chain';
import type { LedgerSandboxFaults } from './types';

export function makeFaults(chain: Chain): LedgerSandboxFaults {
  const defaults = {
    dropSubmits: false as boolean | number,
    neverValidate: false,
    holdValidation: false,
    openLedgerFeeMultiplier: 1,
    validateAlternateSignerSubset: false,
  };
  const faults: LedgerSandboxFaults = {
    ...defaults,
    holdCommands: [],
    validateAlternate: (txBlob: string) => {
      const pending = chain.preparePending(txBlob);
      chain.injected.push(pending);
      chain.log(`fault: ${pending.hash} will be applied first at the next close`);
      return { hash: pending.hash };
    },
    forgetLedgers: (from: number, to: number) => {
      for (let i = from; i <= to; i++) chain.missing.add(i);
      chain.log(`fault: ledgers ${from}-${to} forgotten`);
    },
    disconnectAll: () => {
      chain.disconnectClients();
      chain.log('fault: all clients disconnected');
    },
    reset: () => {
      Object.assign(faults, defaults, { holdCommands: [] });
      chain.injected = [];
      chain.missing.clear();
    },
  };
  return faults;
}
