/**
 * Completing a quorum goes before more ingest. While a combine runs in this process (from the
 * acceptance that claimed the quorum to the submission), payload resolutions waiting for their turn
 * stay waiting; those already running finish. The combine's reads, its blob store and its claim then
 * share the event loop and the database pool with fewer others, and no new work queues in front of
 * them. A combine holds ingest back for `maxHoldMs` at most: one stuck on an unreachable ledger
 * must not stop the process from taking signatures.
 */
export class QuorumPriority {
  private holds = 0;
  private readonly idleListeners: (() => void)[] = [];

  constructor(private readonly maxHoldMs = 250) {}

  /** A combine is running (and has held ingest back for less than `maxHoldMs`). */
  get busy(): boolean {
    return this.holds > 0;
  }

  /** Runs `work` as a combine: nothing new starts before it ends, or before `maxHoldMs` pass. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.holds++;
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      this.holds--;
      if (this.holds === 0) for (const listener of this.idleListeners) listener();
    };
    const timer = setTimeout(release, this.maxHoldMs);
    timer.unref?.();
    try {
      return await work();
    } finally {
      clearTimeout(timer);
      release();
    }
  }

  /** Called each time the last hold ends. */
  onIdle(listener: () => void): void {
    this.idleListeners.push(listener);
  }
}
