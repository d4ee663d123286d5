/**
 * The ledger sandbox's transport: one port, as rippled's. WebSocket connections speak the API
 * (commands dispatched to the RPC handlers, subscriptions and streams); plain HTTP requests go to
 * the control routes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer } from 'ws';

import type { Chain } from './chain';
import { RPC_ERRORS, terCode, terMessage } from './constants';
import { isLoopback } from './control';
import { affectedAccounts } from './engine';
import { NO_RESPONSE, RpcError } from './rpc-support';
import { isValidAddress } from './state';
import type { ClosedLedger, StoredTx, Subscription } from './types';
import { accountInfo, accountObjects, accountTx } from './rpc/accounts';
import { ledgerCmd } from './rpc/ledgers';
import { fee, serverInfo, serverState } from './rpc/server-info';
import { submitMultisigned, txCmd } from './rpc/transactions';

export class Transport {
  readonly http: Server;
  readonly wss: WebSocketServer;
  readonly subs = new Map<WebSocket, Subscription>();
  /** Requests held by `faults.holdCommands`, in arrival order, re-checked while any is waiting. */
  private held: { ws: WebSocket; req: Record<string, unknown> }[] = [];
  private heldTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly chain: Chain,
    control: (req: IncomingMessage, res: ServerResponse) => void,
  ) {
    this.http = createServer(control);
    this.wss = new WebSocketServer({ server: this.http });
    // the WebSocket server re-emits the HTTP server's errors (e.g. EADDRINUSE, rejected in listen())
    this.wss.on('error', () => undefined);
    this.wss.on('connection', (ws, request) =>
      this.onConnection(ws, isLoopback(request.socket.remoteAddress)),
    );
    chain.onValidated = () => this.publish();
    chain.disconnectClients = () => {
      for (const ws of this.subs.keys()) ws.terminate();
      this.subs.clear();
    };
  }

  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this.http.on('error', (e) => this.chain.log(`ledger sandbox server error: ${String(e)}`));
    return (this.http.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (this.heldTimer) clearInterval(this.heldTimer);
    this.heldTimer = null;
    this.held = [];
    this.chain.disconnectClients();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  onConnection(ws: WebSocket, admin: boolean): void {
    this.subs.set(ws, { admin, ledger: false, transactions: false, accounts: new Set() });
    ws.on('close', () => this.subs.delete(ws));
    ws.on('error', () => this.subs.delete(ws));
    ws.on('message', (data) => {
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data).toString('utf8');
      this.onMessage(ws, text);
    });
  }

  send(ws: WebSocket, msg: unknown): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  }

  onMessage(ws: WebSocket, text: string): void {
    let req: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      req = parsed as Record<string, unknown>;
    } catch {
      this.send(ws, {
        type: 'response',
        status: 'error',
        error: 'jsonInvalid',
        error_code: 2,
        error_message: 'JSON parse error.',
        value: text,
      });
      return;
    }
    if (this.isHeld(req)) {
      this.held.push({ ws, req });
      this.heldTimer ??= setInterval(() => this.releaseHeld(), 10);
      return;
    }
    this.answer(ws, req);
  }

  private isHeld(req: Record<string, unknown>): boolean {
    const command = String(req.command ?? req.method);
    return this.chain.faults.holdCommands.some(
      (entry) => entry === command || entry === `${command}:${String(req.account)}`,
    );
  }

  /** Executes and answers, in order, the held requests no entry matches any more. */
  private releaseHeld(): void {
    const waiting = this.held;
    this.held = [];
    for (const item of waiting) {
      if (this.isHeld(item.req)) this.held.push(item);
      else this.answer(item.ws, item.req);
    }
    if (this.held.length === 0 && this.heldTimer) {
      clearInterval(this.heldTimer);
      this.heldTimer = null;
    }
  }

  private answer(ws: WebSocket, req: Record<string, unknown>): void {
    const id = req.id;
    try {
      const result = this.handle(ws, req);
      if (result === NO_RESPONSE) return;
      this.send(ws, { id, type: 'response', status: 'success', api_version: 2, result });
    } catch (e) {
      const err =
        e instanceof RpcError ? e : new RpcError('internal', e instanceof Error ? e.message : String(e));
      const known = (RPC_ERRORS as Record<string, { code: number; message: string }>)[err.token];
      const body: Record<string, unknown> = { id, type: 'response', status: 'error', error: err.token };
      if (err.token !== 'invalidTransaction') {
        body.error_code = err.code ?? known?.code ?? -1;
        body.error_message = err.message;
      }
      Object.assign(body, err.extra);
      body.request = req;
      this.send(ws, body);
    }
  }

  handle(ws: WebSocket, req: Record<string, unknown>): unknown {
    const command = req.command ?? req.method;
    if (command === undefined) throw new RpcError('missingCommand');
    const apiVersion = req.api_version;
    if (apiVersion !== undefined && apiVersion !== 2) {
      throw new RpcError('invalid_API_version', 'The ledger sandbox implements API version 2 only.', {}, 6);
    }
    const admin = this.subs.get(ws)?.admin === true;
    switch (command) {
      case 'random':
        // Random.cpp: 256 random bits, hex
        return { random: randomBytes(32).toString('hex').toUpperCase() };
      case 'ping':
        // Ping.cpp: the role, and `unlimited` for a WebSocket client whose resource consumer is
        // unlimited (an admin)
        return admin ? { role: 'admin', unlimited: true } : {};
      case 'server_info':
        return serverInfo(this.chain, admin);
      case 'server_state':
        return serverState(this.chain, admin);
      case 'fee':
        return fee(this.chain);
      case 'ledger_current':
        return { ledger_current_index: this.chain.currentLedgerIndex() };
      case 'ledger_closed':
        return { ledger_hash: this.chain.lastClosed().hash, ledger_index: this.chain.lastClosed().index };
      case 'ledger':
        return ledgerCmd(this.chain, req);
      case 'ledger_accept':
        if (!admin) throw new RpcError('noPermission');
        this.chain.closeLedger();
        return { ledger_current_index: this.chain.currentLedgerIndex() };
      case 'account_info':
        return accountInfo(this.chain, req);
      case 'account_objects':
        return accountObjects(this.chain, req);
      case 'account_tx':
        return accountTx(this.chain, req);
      case 'submit':
        if (req.tx_blob === undefined && req.tx_json !== undefined) {
          throw new RpcError(
            'notSupported',
            'Sign-and-submit is not supported by the ledger sandbox: submit a signed tx_blob.',
          );
        }
        return this.chain.doSubmit(req.tx_blob, req.fail_hard === true);
      case 'submit_multisigned':
        return submitMultisigned(this.chain, req);
      case 'tx':
        return txCmd(this.chain, req);
      case 'subscribe':
        return this.subscribe(ws, req, true);
      case 'unsubscribe':
        return this.subscribe(ws, req, false);
      default:
        throw new RpcError('unknownCmd');
    }
  }

  subscribe(ws: WebSocket, req: Record<string, unknown>, on: boolean): unknown {
    const sub = this.subs.get(ws);
    if (!sub) return {};
    const streams = req.streams;
    const accounts = req.accounts;
    if (streams !== undefined && !Array.isArray(streams)) throw new RpcError('invalidParams');
    if (accounts !== undefined && !Array.isArray(accounts)) throw new RpcError('invalidParams');
    for (const a of (accounts as unknown[] | undefined) ?? [])
      if (!isValidAddress(a)) throw new RpcError('actMalformed');
    for (const s of (streams as unknown[] | undefined) ?? []) {
      if (s !== 'ledger' && s !== 'transactions' && s !== 'server') throw new RpcError('malformedStream');
    }
    const result: Record<string, unknown> = {};
    for (const s of (streams as string[] | undefined) ?? []) {
      if (s === 'ledger') {
        sub.ledger = on;
        if (on) {
          const v = this.chain.validatedLedger();
          Object.assign(result, {
            fee_base: Number(this.chain.baseFee),
            ledger_hash: v.hash,
            ledger_index: v.index,
            ledger_time: v.closeTime,
            network_id: this.chain.networkId,
            reserve_base: Number(this.chain.reserveBase),
            reserve_inc: Number(this.chain.reserveInc),
            validated_ledgers: this.chain.completeLedgers(),
          });
        }
      } else if (s === 'transactions') {
        sub.transactions = on;
      }
    }
    for (const a of (accounts as string[] | undefined) ?? []) {
      if (on) sub.accounts.add(a);
      else sub.accounts.delete(a);
    }
    return result;
  }

  /** Publishes every newly validated ledger: `ledgerClosed`, then its `transaction` messages. */
  publish(): void {
    while (this.chain.publishedIndex < this.chain.validatedIndex) {
      this.chain.publishedIndex++;
      const l = this.chain.ledgerAt(this.chain.publishedIndex) as ClosedLedger;
      const closed = {
        type: 'ledgerClosed',
        fee_base: Number(this.chain.baseFee),
        ledger_hash: l.hash,
        ledger_index: l.index,
        ledger_time: l.closeTime,
        network_id: this.chain.networkId,
        reserve_base: Number(this.chain.reserveBase),
        reserve_inc: Number(this.chain.reserveInc),
        txn_count: l.txHashes.length,
        validated_ledgers: this.chain.completeLedgers(l.index),
      };
      for (const [ws, sub] of this.subs) if (sub.ledger) this.send(ws, closed);
      for (const h of l.txHashes) {
        const s = this.chain.txs.get(h) as StoredTx;
        const touched = affectedAccounts(s.tx, s.meta);
        const j = this.chain.txResultJson(s);
        const msg = {
          type: 'transaction',
          status: 'closed',
          validated: true,
          engine_result: s.meta.TransactionResult,
          engine_result_code: terCode(s.meta.TransactionResult),
          engine_result_message: terMessage(s.meta.TransactionResult),
          ledger_index: l.index,
          ledger_hash: l.hash,
          hash: s.hash,
          tx_json: j.tx_json,
          meta: s.meta,
          close_time_iso: j.close_time_iso,
          ...(j.ctid !== undefined ? { ctid: j.ctid } : {}),
        };
        for (const [ws, sub] of this.subs) {
          if (sub.transactions || [...touched].some((a) => sub.accounts.has(a))) this.send(ws, msg);
        }
      }
    }
  }
}
