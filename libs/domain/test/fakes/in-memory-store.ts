import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One unit of work in progress: the undo steps of its writes (applied in reverse if the work
 * throws) and the per-account allocation locks it holds until it ends.
 */
export class UnitOfWorkContext {
  readonly undo: (() => void)[] = [];
  readonly releases = new Map<string, () => void>();
}

/** The unit of work the current async call chain runs in, if any. */
export const currentUnitOfWork = new AsyncLocalStorage<UnitOfWorkContext>();

/**
 * A table of records by id. Rows are copied in and out, so a caller holding a record sees the state
 * it read, as with a database; writes inside a unit of work can be undone.
 */
export class Table<T extends { id: string }> {
  private readonly rows = new Map<string, T>();

  get(id: string): T | null {
    const row = this.rows.get(id);
    return row ? structuredClone(row) : null;
  }

  all(): T[] {
    return [...this.rows.values()].map((row) => structuredClone(row));
  }

  find(predicate: (row: T) => boolean): T | null {
    return this.all().find(predicate) ?? null;
  }

  filter(predicate: (row: T) => boolean): T[] {
    return this.all().filter(predicate);
  }

  put(row: T): T {
    const previous = this.rows.get(row.id);
    currentUnitOfWork
      .getStore()
      ?.undo.push(() => (previous ? this.rows.set(row.id, previous) : this.rows.delete(row.id)));
    this.rows.set(row.id, structuredClone(row));
    return structuredClone(row);
  }

  delete(id: string): void {
    const previous = this.rows.get(id);
    if (!previous) return;
    currentUnitOfWork.getStore()?.undo.push(() => this.rows.set(id, previous));
    this.rows.delete(id);
  }

  get size(): number {
    return this.rows.size;
  }
}

/** A mutex per key: `acquire` resolves with a release function once the previous holder released. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
