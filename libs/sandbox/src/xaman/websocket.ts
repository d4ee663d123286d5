/**
 * The `/sign/:uuid` WebSocket: a welcome, `expires_in_seconds` keepalives, and the payload's
 * events (opened, devapp_fetched, expired, the resolve message) to every subscriber.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

import type { PayloadStore } from './payload-store';
import { isExpired, type Json, type PayloadRec } from './records';

const RIGHT_BACK = JSON.stringify({ message: 'Right back at you!' });

export class PayloadSockets {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly subscribers = new Map<string, Set<WebSocket>>();

  constructor(
    private readonly payloads: PayloadStore,
    private readonly keepaliveMs: number,
  ) {}

  /** The HTTP server's `upgrade` event: only `/sign/:uuid` becomes a WebSocket. */
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const m = /^\/sign\/([^/?#]+)\/?(?:\?.*)?$/.exec(req.url ?? '');
    if (!m?.[1]) {
      socket.destroy();
      return;
    }
    let uuid: string;
    try {
      uuid = decodeURIComponent(m[1]);
    } catch {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, uuid));
  }

  /** Record a payload event and send it to the payload's subscribers. */
  publish(p: PayloadRec, message: Json): void {
    p.wsEvents.push({ at: Date.now(), message });
    const text = JSON.stringify(message);
    for (const ws of this.subscribers.get(p.uuid) ?? []) {
      if (ws.readyState === ws.OPEN) ws.send(text);
    }
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(ws: WebSocket, uuid: string): void {
    ws.on('message', () => {
      if (ws.readyState === ws.OPEN) ws.send(RIGHT_BACK);
    });
    ws.on('error', () => undefined);
    const p = this.payloads.find(uuid);
    if (!p) {
      ws.send(JSON.stringify({ message: `Payload ${uuid} not found (Xaman sandbox)` }));
      ws.close(1000);
      return;
    }
    let set = this.subscribers.get(uuid);
    if (!set) {
      set = new Set();
      this.subscribers.set(uuid, set);
    }
    set.add(ws);
    ws.send(JSON.stringify({ message: `Welcome ${uuid}` }));
    if (p.resolved) {
      ws.send(JSON.stringify({ expired: true }));
    } else {
      const expiredAtConnect = isExpired(p);
      if (expiredAtConnect) ws.send(JSON.stringify({ expired: true }));
      const tick = () => {
        if (ws.readyState !== ws.OPEN || p.resolved) return;
        ws.send(JSON.stringify({ expires_in_seconds: Math.floor((p.expiresAt - Date.now()) / 1000) }));
      };
      if (!expiredAtConnect) tick();
      const iv = setInterval(tick, Math.max(1, this.keepaliveMs));
      iv.unref();
      ws.on('close', () => clearInterval(iv));
    }
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0) this.subscribers.delete(uuid);
    });
  }
}
