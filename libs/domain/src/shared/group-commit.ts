/**
 * Natural batching, as a database's group commit does it: an item submitted while fewer than
 * `concurrency` flushes run is flushed at once (alone: no added latency when idle); items submitted
 * while they all run wait for the next flush, which takes up to `maxBatch` of them together. Under
 * load the batches grow by themselves, and so does the work each statement does.
 *
 * `flush` answers each item of a batch in order, or throws for the whole batch: then each of its
 * items is flushed again alone, so one bad item cannot fail the others.
 *
 * `gatherMs` (for work nobody waits on): a flush that could start waits this long first, so the
 * items of a short moment share it even when they trickle in.
 */
export class GroupCommit<T, R> {
  private readonly queue: { item: T; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  private running = 0;
  private gathering: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly options: {
      maxBatch: number;
      concurrency: number;
      key?: (item: T) => string;
      gatherMs?: number;
    },
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  /** Items waiting for a flush (for tests and metrics). */
  get waiting(): number {
    return this.queue.length;
  }

  private pump(): void {
    const gatherMs = this.options.gatherMs ?? 0;
    if (gatherMs > 0) {
      if (this.gathering || this.running >= this.options.concurrency || this.queue.length === 0) return;
      this.gathering = setTimeout(() => {
        this.gathering = null;
        this.start();
      }, gatherMs);
      return;
    }
    this.start();
  }

  private start(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      const batch = this.take();
      this.running++;
      void this.run(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  /** Up to `maxBatch` queued items, at most one per key (a repeated key waits for the next batch). */
  private take(): typeof this.queue {
    const { key, maxBatch } = this.options;
    if (!key) return this.queue.splice(0, maxBatch);
    const seen = new Set<string>();
    const batch: typeof this.queue = [];
    for (let i = 0; i < this.queue.length && batch.length < maxBatch;) {
      const k = key(this.queue[i]!.item);
      if (seen.has(k)) {
        i++;
        continue;
      }
      seen.add(k);
      batch.push(...this.queue.splice(i, 1));
    }
    return batch;
  }

  private async run(batch: typeof this.queue): Promise<void> {
    try {
      const results = await this.flush(batch.map((entry) => entry.item));
      batch.forEach((entry, i) => entry.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const entry of batch) {
        try {
          entry.resolve((await this.flush([entry.item]))[0]!);
        } catch (alone) {
          entry.reject(alone);
        }
      }
    }
  }
}
