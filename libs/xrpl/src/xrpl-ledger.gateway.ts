import { Client, isValidClassicAddress } from 'xrpl';
import {
  AccountFacts,
  AccountTransaction,
  DelegateFacts,
  LedgerUnavailableError,
  NetworkFacts,
  SubmitOutcome,
  TransactionLookup,
  LedgerPort,
} from '@app/domain';

const LSF_DISABLE_MASTER = 0x00100000;
const LSF_REQUIRE_DEST_TAG = 0x00020000;
const LSF_DISALLOW_XRP = 0x00080000;

/** One page of `account_tx` (API v2). */
interface AccountTxPage {
  transactions: {
    hash?: string;
    ledger_index?: number;
    validated?: boolean;
    tx_json?: Record<string, unknown> & { hash?: string };
    meta?: { TransactionResult?: string; delivered_amount?: unknown } | string;
  }[];
  marker?: unknown;
}

interface RippledErrorLike {
  data?: { error?: string; error_exception?: string; error_message?: string; searched_all?: boolean };
  message?: string;
}

interface DelegateObject {
  LedgerEntryType?: string;
  Authorize?: string;
  Permissions?: { Permission?: { PermissionValue?: string | number } }[];
}

function rpcError(error: unknown): string | undefined {
  return (error as RippledErrorLike)?.data?.error;
}

/**
 * The ledger gateway: one xrpl.Client per process, connected lazily and reconnected on demand.
 * Every read that decides something is made against a validated ledger.
 */
export class XrplLedgerGateway implements LedgerPort {
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private readonly ledgerListeners = new Set<(ledgerIndex: number) => void>();

  constructor(
    private readonly url: string,
    /**
     * `networkId`: the NetworkID configured for this network (XRPL_NETWORKS). A server reporting
     * another one is not used (XRPL_UNAVAILABLE): nothing is prepared for the wrong chain.
     */
    private readonly options: { timeoutMs?: number; networkId?: number | null } = {},
  ) {}

  private async connected(): Promise<Client> {
    if (this.client?.isConnected()) return this.client;
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      const client = new Client(this.url, {
        timeout: this.options.timeoutMs ?? 20_000,
        connectionTimeout: 10_000,
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (error) {
        await client.disconnect().catch(() => undefined);
        throw new LedgerUnavailableError(`Cannot reach the XRPL server at ${this.url}`, error);
      }
      if (this.ledgerListeners.size > 0) await this.subscribeLedger(client);
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async request<T>(request: Record<string, unknown>): Promise<T> {
    const client = await this.connected();
    try {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- request() is typed per command; this is the generic path
      const response = (await client.request(request as never)) as { result: T };
      return response.result;
    } catch (error) {
      if (rpcError(error)) throw error;
      throw new LedgerUnavailableError(`XRPL request ${String(request.command)} failed`, error);
    }
  }

  async network(): Promise<NetworkFacts> {
    const result = await this.request<{
      info: {
        network_id?: number;
        load_factor?: number;
        complete_ledgers?: string;
        validated_ledger?: {
          base_fee_xrp?: number;
          seq?: number;
          reserve_base_xrp?: number;
          reserve_inc_xrp?: number;
        };
      };
    }>({ command: 'server_info' });
    const info = result.info;
    const expected = this.options.networkId ?? null;
    if (expected !== null && info.network_id !== undefined && info.network_id !== expected) {
      throw new LedgerUnavailableError(
        `The XRPL server at ${this.url} reports NetworkID ${info.network_id}, not the configured ${expected}`,
      );
    }
    const baseFeeXrp = info.validated_ledger?.base_fee_xrp ?? 0.00001;
    return {
      networkId: info.network_id ?? expected,
      baseFeeDrops: Math.round(baseFeeXrp * 1_000_000),
      loadFactor: info.load_factor ?? 1,
      validatedLedgerIndex: info.validated_ledger?.seq ?? 0,
      completeLedgers: info.complete_ledgers ?? '',
      reserveBaseDrops: Math.round((info.validated_ledger?.reserve_base_xrp ?? 1) * 1_000_000),
      reserveIncDrops: Math.round((info.validated_ledger?.reserve_inc_xrp ?? 0.2) * 1_000_000),
    };
  }

  async validatedLedgerIndex(): Promise<number> {
    const result = await this.request<{ ledger_index: number }>({
      command: 'ledger',
      ledger_index: 'validated',
    });
    return Number(result.ledger_index);
  }

  /** Account root, RegularKey, master-disabled flag and SignerList from the validated ledger. */
  async accountFacts(address: string): Promise<AccountFacts> {
    if (!isValidClassicAddress(address)) throw new Error(`Not a classic address: ${address}`);
    try {
      const result = await this.request<{
        account_data: {
          Sequence: number;
          Balance: string;
          Flags: number;
          RegularKey?: string;
          TicketCount?: number;
          OwnerCount?: number;
        };
        signer_lists?: {
          SignerQuorum: number;
          SignerEntries: { SignerEntry: { Account: string; SignerWeight: number } }[];
        }[];
        ledger_index?: number;
      }>({ command: 'account_info', account: address, ledger_index: 'validated', signer_lists: true });
      const list = result.signer_lists?.[0];
      return {
        address,
        exists: true,
        ledgerIndex: Number(result.ledger_index ?? 0),
        sequence: result.account_data.Sequence,
        balanceDrops: result.account_data.Balance,
        masterDisabled: (result.account_data.Flags & LSF_DISABLE_MASTER) !== 0,
        regularKey: result.account_data.RegularKey ?? null,
        ticketCount: result.account_data.TicketCount ?? 0,
        ownerCount: result.account_data.OwnerCount ?? 0,
        requireDestTag: (result.account_data.Flags & LSF_REQUIRE_DEST_TAG) !== 0,
        disallowXRP: (result.account_data.Flags & LSF_DISALLOW_XRP) !== 0,
        signerList: list
          ? {
              quorum: list.SignerQuorum,
              entries: list.SignerEntries.map((e) => ({
                account: e.SignerEntry.Account,
                weight: e.SignerEntry.SignerWeight,
              })),
            }
          : null,
      };
    } catch (error) {
      if (rpcError(error) === 'actNotFound') {
        return {
          address,
          exists: false,
          ledgerIndex: await this.validatedLedgerIndex(),
          sequence: null,
          balanceDrops: null,
          masterDisabled: false,
          regularKey: null,
          ticketCount: 0,
          ownerCount: 0,
          requireDestTag: false,
          disallowXRP: false,
          signerList: null,
        };
      }
      throw error;
    }
  }

  /** The TicketSequence numbers the account owns in the validated ledger. */
  async tickets(address: string): Promise<number[]> {
    const tickets: number[] = [];
    let marker: unknown;
    do {
      const result = await this.request<{ account_objects: { TicketSequence?: number }[]; marker?: unknown }>(
        {
          command: 'account_objects',
          account: address,
          type: 'ticket',
          ledger_index: 'validated',
          limit: 400,
          ...(marker ? { marker } : {}),
        },
      );
      for (const object of result.account_objects) {
        if (typeof object.TicketSequence === 'number') tickets.push(object.TicketSequence);
      }
      marker = result.marker;
    } while (marker);
    return tickets.sort((a, b) => a - b);
  }

  /**
   * The account's Delegate objects (XLS-75): `Authorize` may send the `Permissions` transaction
   * types for it. A server that does not know the `delegate` type (no Delegate amendment: nobody can
   * hold one) and an account that does not exist answer none.
   */
  async delegates(address: string): Promise<DelegateFacts[]> {
    const found: DelegateFacts[] = [];
    let marker: unknown;
    do {
      let result: { account_objects: DelegateObject[]; marker?: unknown };
      try {
        result = await this.request<{ account_objects: DelegateObject[]; marker?: unknown }>({
          command: 'account_objects',
          account: address,
          type: 'delegate',
          ledger_index: 'validated',
          limit: 400,
          ...(marker ? { marker } : {}),
        });
      } catch (error) {
        const code = rpcError(error);
        if (code === 'actNotFound' || code === 'invalidParams') return found;
        throw error;
      }
      for (const object of result.account_objects) {
        if (object.LedgerEntryType !== undefined && object.LedgerEntryType !== 'Delegate') continue;
        if (typeof object.Authorize !== 'string') continue;
        found.push({
          authorize: object.Authorize,
          permissions: (object.Permissions ?? []).map((p) => String(p.Permission?.PermissionValue ?? '')),
        });
      }
      marker = result.marker;
    } while (marker);
    return found;
  }

  /** Submits a signed blob. Idempotent: the same blob twice is harmless (tefALREADY / duplicate). */
  async submit(blob: string): Promise<SubmitOutcome> {
    try {
      const result = await this.request<{
        engine_result: string;
        engine_result_message: string;
        accepted?: boolean;
        kept?: boolean;
        validated_ledger_index?: number;
      }>({ command: 'submit', tx_blob: blob, fail_hard: false });
      return {
        result: result.engine_result,
        message: result.engine_result_message,
        rpcError: false,
        accepted: result.accepted ?? false,
        kept: result.kept ?? false,
        validatedLedgerIndex:
          typeof result.validated_ledger_index === 'number' ? result.validated_ledger_index : null,
      };
    } catch (error) {
      const code = rpcError(error);
      if (!code) throw error;
      const data = (error as RippledErrorLike).data;
      return {
        result: code,
        message: data?.error_exception ?? data?.error_message ?? code,
        rpcError: true,
        accepted: false,
        kept: false,
      };
    }
  }

  async transaction(
    hash: string,
    range?: { minLedger: number; maxLedger: number },
  ): Promise<TransactionLookup> {
    try {
      const result = await this.request<{
        hash: string;
        validated?: boolean;
        ledger_index?: number;
        tx_json?: Record<string, unknown>;
        meta?: { TransactionResult?: string; delivered_amount?: unknown } | string;
      }>({
        command: 'tx',
        transaction: hash,
        ...(range ? { min_ledger: range.minLedger, max_ledger: range.maxLedger } : {}),
      });
      const meta = typeof result.meta === 'object' ? result.meta : undefined;
      return {
        found: true,
        validated: result.validated === true,
        hash: result.hash,
        ledgerIndex: result.ledger_index ?? null,
        result: meta?.TransactionResult ?? null,
        deliveredAmount: meta?.delivered_amount ?? null,
        tx: result.tx_json ?? {},
      };
    } catch (error) {
      if (rpcError(error) === 'txnNotFound') {
        return { found: false, searchedAll: (error as RippledErrorLike).data?.searched_all === true };
      }
      throw error;
    }
  }

  /**
   * Validated transactions of an account from a ledger on, oldest first. Used to reconcile by
   * (Account, Sequence/Ticket): multisigned hashes are malleable.
   */
  async accountTransactions(
    address: string,
    fromLedger: number,
    toLedger?: number,
  ): Promise<AccountTransaction[]> {
    const found: AccountTransaction[] = [];
    let marker: unknown;
    do {
      let result: AccountTxPage;
      try {
        result = await this.accountTxPage(address, fromLedger, toLedger ?? -1, marker);
      } catch (error) {
        if (rpcError(error) === 'actNotFound') return found;
        throw error;
      }
      for (const entry of result.transactions) {
        if (entry.validated === false) continue;
        const meta = typeof entry.meta === 'object' ? entry.meta : undefined;
        found.push({
          hash: entry.hash ?? entry.tx_json?.hash ?? '',
          ledgerIndex: Number(entry.ledger_index ?? entry.tx_json?.ledger_index ?? 0),
          result: meta?.TransactionResult ?? '',
          deliveredAmount: meta?.delivered_amount ?? null,
          tx: entry.tx_json ?? {},
        });
      }
      marker = result.marker;
    } while (marker);
    return found;
  }

  private accountTxPage(address: string, fromLedger: number, toLedger: number, marker: unknown) {
    return this.request<AccountTxPage>({
      command: 'account_tx',
      account: address,
      ledger_index_min: fromLedger,
      ledger_index_max: toLedger,
      forward: true,
      limit: 200,
      ...(marker ? { marker } : {}),
    });
  }

  /** Calls back on every validated ledger (stream `ledger`), across reconnects. */
  async onLedgerClosed(listener: (ledgerIndex: number) => void): Promise<() => void> {
    this.ledgerListeners.add(listener);
    if (this.ledgerListeners.size === 1) {
      try {
        await this.subscribeLedger(await this.connected());
      } catch {
        // the next successful connection subscribes
      }
    }
    return () => this.ledgerListeners.delete(listener);
  }

  private async subscribeLedger(client: Client): Promise<void> {
    client.removeAllListeners('ledgerClosed');
    client.on('ledgerClosed', (ledger: { ledger_index: number }) => {
      for (const listener of this.ledgerListeners) listener(Number(ledger.ledger_index));
    });
    await client.request({ command: 'subscribe', streams: ['ledger'] });
  }

  async close(): Promise<void> {
    this.ledgerListeners.clear();
    const client = this.client;
    this.client = null;
    if (client?.isConnected()) await client.disconnect().catch(() => undefined);
  }
}
