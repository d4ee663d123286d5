/** The payloads the sandbox holds, by uuid and by `custom_meta.identifier`. */
import { XamanSandboxError } from './errors';
import type { PayloadRec } from './records';

export class PayloadStore {
  private readonly payloads = new Map<string, PayloadRec>();
  private readonly identifiers = new Map<string, string>();

  get size(): number {
    return this.payloads.size;
  }

  all(): PayloadRec[] {
    return [...this.payloads.values()];
  }

  add(p: PayloadRec): void {
    this.payloads.set(p.uuid, p);
    if (p.customMeta.identifier !== null) this.identifiers.set(p.customMeta.identifier, p.uuid);
  }

  find(uuid: string): PayloadRec | undefined {
    return this.payloads.get(uuid);
  }

  /** The payload, or the control API's 404 PAYLOAD_NOT_FOUND. */
  get(uuid: string): PayloadRec {
    const p = this.payloads.get(uuid);
    if (!p) throw new XamanSandboxError(404, 'PAYLOAD_NOT_FOUND', `No payload ${uuid}`);
    return p;
  }

  hasIdentifier(identifier: string): boolean {
    return this.identifiers.has(identifier);
  }

  byIdentifier(identifier: string): PayloadRec | undefined {
    const uuid = this.identifiers.get(identifier);
    return uuid ? this.payloads.get(uuid) : undefined;
  }
}
