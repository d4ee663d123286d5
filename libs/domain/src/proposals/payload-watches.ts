import { XamanPort } from '../ports/xaman.port';

export type PayloadEvent = 'opened' | 'resolved' | 'expired';

/**
 * The payload WebSockets this process holds (one per payload it created). Events are handed to one
 * listener (the payload signals), set once the use-cases are wired: the socket is a signal, never
 * evidence.
 */
export class PayloadWatches {
  private readonly watches = new Map<string, { close(): void }>();
  private listener: ((payloadUuid: string, event: PayloadEvent) => void) | null = null;

  constructor(private readonly xaman: XamanPort) {}

  onEvent(listener: (payloadUuid: string, event: PayloadEvent) => void): void {
    this.listener = listener;
  }

  watch(payloadUuid: string): void {
    if (this.watches.has(payloadUuid)) return;
    const handle = this.xaman.watchPayload(payloadUuid, (event) => this.listener?.(payloadUuid, event));
    this.watches.set(payloadUuid, handle);
  }

  unwatch(payloadUuid: string | null): void {
    if (!payloadUuid) return;
    this.watches.get(payloadUuid)?.close();
    this.watches.delete(payloadUuid);
  }

  get size(): number {
    return this.watches.size;
  }

  closeAll(): void {
    for (const handle of this.watches.values()) handle.close();
    this.watches.clear();
  }
}
