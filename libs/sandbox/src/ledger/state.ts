import { createHash } from 'node:crypto';
import { decodeAccountID } from 'ripple-address-codec';
import { hashes } from 'xrpl';

/** A ledger entry in rippled's JSON form (plus `index`). Entries are never mutated in place. */
export type LedgerEntry = Record<string, unknown> & {
  LedgerEntryType: string;
  index: string;
};

export interface AccountRoot extends LedgerEntry {
  LedgerEntryType: 'AccountRoot';
  Account: string;
  Balance: string;
  Flags: number;
  OwnerCount: number;
  Sequence: number;
  RegularKey?: string;
  TicketCount?: number;
  PreviousTxnID: string;
  PreviousTxnLgrSeq: number;
}

export interface SignerEntryJson {
  SignerEntry: { Account: string; SignerWeight: number; WalletLocator?: string };
}

export interface SignerListEntry extends LedgerEntry {
  LedgerEntryType: 'SignerList';
  Flags: number;
  OwnerNode: string;
  SignerEntries: SignerEntryJson[];
  SignerListID: number;
  SignerQuorum: number;
  PreviousTxnID: string;
  PreviousTxnLgrSeq: number;
}

export interface TicketEntry extends LedgerEntry {
  LedgerEntryType: 'Ticket';
  Account: string;
  Flags: number;
  OwnerNode: string;
  TicketSequence: number;
  PreviousTxnID: string;
  PreviousTxnLgrSeq: number;
}

export function sha512Half(hex: string): string {
  return createHash('sha512')
    .update(Buffer.from(hex, 'hex'))
    .digest()
    .subarray(0, 32)
    .toString('hex')
    .toUpperCase();
}

export function accountIdHex(address: string): string {
  return Buffer.from(decodeAccountID(address)).toString('hex').toUpperCase();
}

export function isValidAddress(address: unknown): address is string {
  if (typeof address !== 'string') return false;
  try {
    decodeAccountID(address);
    return true;
  } catch {
    return false;
  }
}

export const keylet = {
  account: (address: string): string => hashes.hashAccountRoot(address).toUpperCase(),
  signers: (address: string): string => hashes.hashSignerListId(address).toUpperCase(),
  /** keylet::ticket: SHA-512Half(space 'T' (0x0054) + AccountID + UInt32 TicketSequence). */
  ticket: (address: string, ticketSeq: number): string =>
    sha512Half('0054' + accountIdHex(address) + ticketSeq.toString(16).padStart(8, '0')),
  /** keylet::delegate: SHA-512Half(space 'E' (0x0045) + AccountID + authorized AccountID). */
  delegate: (address: string, authorize: string): string =>
    sha512Half('0045' + accountIdHex(address) + accountIdHex(authorize)),
};

/**
 * The state map of one ledger version. Copy-on-write at the map level: `clone()` copies the map,
 * entries are immutable objects that are replaced on change.
 */
export class LedgerState {
  constructor(private readonly entries = new Map<string, LedgerEntry>()) {}

  clone(): LedgerState {
    return new LedgerState(new Map(this.entries));
  }

  get(index: string): LedgerEntry | undefined {
    return this.entries.get(index);
  }

  set(entry: LedgerEntry): void {
    this.entries.set(entry.index, entry);
  }

  delete(index: string): void {
    this.entries.delete(index);
  }

  /** Snapshot of the raw map, for diffing. */
  snapshot(): Map<string, LedgerEntry> {
    return new Map(this.entries);
  }

  restore(snapshot: Map<string, LedgerEntry>): void {
    this.entries.clear();
    for (const [k, v] of snapshot) this.entries.set(k, v);
  }

  all(): IterableIterator<LedgerEntry> {
    return this.entries.values();
  }

  account(address: string): AccountRoot | undefined {
    return this.entries.get(keylet.account(address)) as AccountRoot | undefined;
  }

  signerList(address: string): SignerListEntry | undefined {
    return this.entries.get(keylet.signers(address)) as SignerListEntry | undefined;
  }

  ticket(address: string, seq: number): TicketEntry | undefined {
    return this.entries.get(keylet.ticket(address, seq)) as TicketEntry | undefined;
  }

  tickets(address: string): TicketEntry[] {
    const out: TicketEntry[] = [];
    for (const e of this.entries.values()) {
      if (e.LedgerEntryType === 'Ticket' && e.Account === address) out.push(e as TicketEntry);
    }
    return out.sort((a, b) => a.TicketSequence - b.TicketSequence);
  }

  /** Delegate objects the account owns (placed by `LedgerSandbox.putDelegate`). */
  delegates(address: string): LedgerEntry[] {
    const out: LedgerEntry[] = [];
    for (const e of this.entries.values()) {
      if (e.LedgerEntryType === 'Delegate' && e.Account === address) out.push(e);
    }
    return out.sort((a, b) => a.index.localeCompare(b.index));
  }

  /** Every object an account owns (SignerList, Tickets, Delegates), as `account_objects` lists them. */
  ownedObjects(address: string): LedgerEntry[] {
    const out: LedgerEntry[] = [];
    const sl = this.signerList(address);
    if (sl) out.push(sl);
    out.push(...this.tickets(address));
    out.push(...this.delegates(address));
    return out;
  }
}
