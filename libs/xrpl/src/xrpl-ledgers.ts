import { LedgerPort, Ledgers } from '@app/domain';
import type { XrplLedgerGateway } from './xrpl-ledger.gateway';

/** One XrplLedgerGateway per served network (`XRPL_URL` and `XRPL_NETWORKS`), the default first. */
export class XrplLedgers extends Ledgers {
  constructor(private readonly gateways: ReadonlyMap<string, XrplLedgerGateway>) {
    super();
  }

  names(): string[] {
    return [...this.gateways.keys()];
  }

  find(network: string): LedgerPort | undefined {
    return this.gateways.get(network);
  }

  /** The gateway of a served network (for the worker's ledger-close trigger and shutdown). */
  gateway(network: string): XrplLedgerGateway {
    const gateway = this.gateways.get(network);
    if (!gateway) throw new Error(`network ${network} is not served`);
    return gateway;
  }

  /** Calls `listener` on every validated ledger of every network; returns the unsubscribe. */
  async onLedgerClosed(listener: (network: string, ledgerIndex: number) => void): Promise<() => void> {
    const stops = await Promise.all(
      [...this.gateways].map(([name, gateway]) => gateway.onLedgerClosed((index) => listener(name, index))),
    );
    return () => stops.forEach((stop) => stop());
  }

  async close(): Promise<void> {
    await Promise.all([...this.gateways.values()].map((g) => g.close()));
  }
}
