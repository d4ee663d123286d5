import { Client } from 'pg';
import { waitUntil } from '../support/flow';
import { FaultCluster } from './support/cluster';

/**
 * The real-process fault suite (`npm run test:faults`): two APIs and two workers as OS processes,
 * the sandboxes, and PostgreSQL of its own. Each crash point is reached by holding a process inside
 * it with the sandboxes (or a row lock), then every process is killed with SIGKILL and fresh ones
 * take over. Afterwards, on the ledger: exactly one transaction per Sequence/Ticket; in the database:
 * no stored signature lost, every proposal in the state it should reach; at Xaman: no payload of a
 * closed proposal left open. Infrastructure faults (PostgreSQL restarted, backends terminated, Xaman
 * 5xx/429/timeouts, ledger disconnects and a ledger that stops validating) must leave every process
 * running and every flow finished once the fault clears.
 */
const spec = (quorum: number, signers: number, tickets = 0) => ({
  quorum,
  signers: Array.from({ length: signers }, () => ({ weight: 1 })),
  ...(tickets ? { tickets } : {}),
});
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const randomBetween = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

describe('fault suite: real processes killed and starved', () => {
  let c: FaultCluster;

  beforeAll(async () => {
    c = await FaultCluster.start();
    await c.startServices();
  }, 120_000);

  afterAll(async () => {
    await c?.close();
  }, 60_000);

  afterEach(() => {
    // A failed scenario must not leave its holds to the next one.
    c.ledger.faults.reset();
    // no process may have exited on its own (an unhandled pg 'error' event, a rejection...)
    expect(c.crashed()).toEqual([]);
  });

  /** Ends the proposals' flows and proves the invariants. */
  async function provesInvariants(ids: string[], state: string, before: string[]): Promise<void> {
    const rows = await c.settle(ids, [state], 90_000);
    expect(rows.map((r) => r.state)).toEqual(ids.map(() => state));
    expect(c.ledgerCounts(rows)).toEqual(rows.map(() => (state === 'succeeded' ? 1 : 0)));
    const after = await c.signatures(ids);
    expect(before.filter((s) => !after.includes(s))).toEqual([]);
    // withdrawal is durable: a cancel Xaman refused is retried by the worker until it holds
    const open = await waitUntil(
      async () => {
        const left = await c.openPayloads(ids);
        return left.length === 0 ? left : undefined;
      },
      30_000,
      'every payload of a closed proposal withdrawn',
    );
    expect(open).toEqual([]);
  }

  /** `accounts` 2-of-3 accounts with Tickets, `perAccount` proposals on each (payloads created). */
  async function proposalsOn(accounts: number, perAccount: number) {
    const created: { id: string; payloads: string[] }[] = [];
    for (let a = 0; a < accounts; a++) {
      const account = await c.account(spec(2, 3, perAccount - 1));
      for (let n = 0; n < perAccount; n++) created.push(await c.propose(account.id));
    }
    return { created, ids: created.map((p) => p.id) };
  }

  /** Two of three signers of every proposal sign at once. */
  const signQuorums = (created: { payloads: string[] }[]) =>
    Promise.all(created.flatMap((p) => p.payloads.slice(0, 2).map((uuid) => c.sign(uuid))));

  it('kill -9 of every process at each crash point at once: signature stored, quorum_reached, blob stored, right after submit', async () => {
    // The held Xaman cancel must outlast the wait for every window on a loaded machine, so this
    // scenario's first processes get the longest Xaman timeout; the ones started after the kill get
    // the suite's default again.
    await c.killAll();
    await c.startServices({ XAMAN_REQUEST_TIMEOUT_MS: '120000' });
    const stored = await c.account(spec(2, 2));
    const quorum = await c.account(spec(2, 3));
    const combined = await c.account(spec(2, 3));
    const submitted = await c.account(spec(2, 2));
    const [s, q, b, u] = [
      await c.propose(stored.id),
      await c.propose(quorum.id),
      await c.propose(combined.id),
      await c.propose(submitted.id),
    ];
    const ids = [s.id, q.id, b.id, u.id];

    // After a signature is stored: the first signature is committed; the second, which completes
    // the quorum, waits on a row lock of the proposal inside its acceptance (a signature that
    // completes a quorum is stored with the claim, or not at all).
    await c.sign(s.payloads[0]!);
    await waitForSignatures(c, s.id, 1);
    const lock = new Client({ connectionString: c.databaseUrl });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('SELECT 1 FROM proposals WHERE id = $1 FOR NO KEY UPDATE', [s.id]);
    try {
      // After quorum_reached: the winner re-reads the account's SignerList (held);
      // right after submit: the submit is held (it reaches the ledger only after the kill);
      // after the combined blob is stored: withdrawing the other payload hangs at Xaman.
      c.ledger.faults.holdCommands = [`account_info:${quorum.setup.account.address}`, 'submit'];
      // Only b's open payload: the worker's withdrawal job may withdraw q's first, which must not
      // take the hang.
      c.xaman.injectFault({ shape: 'hang', endpoint: 'payload', method: 'DELETE', target: b.payloads[2]! });

      for (const uuid of [...q.payloads.slice(0, 2), ...u.payloads]) await c.sign(uuid);
      await c.settle([q.id], ['quorum_reached'], 30_000);
      await c.settle([u.id], ['submitted'], 30_000);
      for (const uuid of b.payloads.slice(0, 2)) await c.sign(uuid);
      await waitForCombined(c, b.id);
      // Last, so that no other proposal's signature shares the batch held by the lock.
      await c.sign(s.payloads[1]!);
      await waitForLockWaiter(c);
      const inWindows = new Map((await c.proposals(ids)).map((r) => [r.id, r]));
      expect(ids.map((id) => [inWindows.get(id)!.state, inWindows.get(id)!.combined])).toEqual([
        ['collecting', false],
        ['quorum_reached', false],
        ['quorum_reached', true],
        ['submitted', true],
      ]);
      await c.killAll();
    } finally {
      // released even when a window was missed, so the next scenario never waits on this lock
      await lock.query('ROLLBACK');
      await lock.end();
    }

    const before = await c.signatures(ids);
    expect(before).toHaveLength(7);
    c.ledger.faults.holdCommands = []; // the held submit now reaches the ledger, its sender is dead
    await c.startServices();
    await provesInvariants(ids, 'succeeded', before);
  }, 180_000);

  it('kill -9 of every process during a webhook burst: every signature of 12 proposals at once', async () => {
    const { created, ids } = await proposalsOn(3, 4);
    const burst = signQuorums(created);
    await pause(randomBetween(100, 600));
    await c.killAll();
    await burst;
    const before = await c.signatures(ids);
    await c.startServices();
    await provesInvariants(ids, 'succeeded', before);
  }, 180_000);

  it('kill -9 of every process during the expiry sweep: every lapsed proposal expires, its payloads withdrawn', async () => {
    const { created, ids } = await proposalsOn(2, 5);
    // one signature each, so there is something to keep
    await Promise.all(created.map((p) => c.sign(p.payloads[0]!)));
    await waitUntilSignatures(c, ids, ids.length);
    const before = await c.signatures(ids);
    await c.db.query(`UPDATE proposals SET deadline = now() - interval '1 second' WHERE id = ANY($1)`, [ids]);
    await pause(randomBetween(50, 400));
    await c.killAll();
    await c.startServices();
    await provesInvariants(ids, 'expired', before);
  }, 180_000);

  it('PostgreSQL restarted under load: every process survives and every flow completes', async () => {
    const { created, ids } = await proposalsOn(2, 4);
    const burst = signQuorums(created);
    await pause(randomBetween(100, 400));
    await c.restartPostgres(1000);
    await burst;
    const before = await c.signatures(ids);
    await provesInvariants(ids, 'succeeded', before);
  }, 180_000);

  it('pg_terminate_backend of every service connection, three times under load: every process survives, every flow completes', async () => {
    const { created, ids } = await proposalsOn(2, 4);
    const burst = signQuorums(created);
    let terminated = 0;
    for (let i = 0; i < 3; i++) {
      await pause(randomBetween(50, 300));
      terminated += await c.terminateBackends();
    }
    await burst;
    expect(terminated).toBeGreaterThan(0);
    const before = await c.signatures(ids);
    await provesInvariants(ids, 'succeeded', before);
  }, 180_000);

  it('Xaman answers 5xx, 429 and never: the flows complete once Xaman recovers', async () => {
    const account = await c.account(spec(2, 3, 3));
    c.xaman.injectFault({
      shape: 'soft',
      code: 500,
      httpStatus: 503,
      endpoint: 'payload',
      method: 'POST',
      count: 3,
    });
    const created = [];
    for (let n = 0; n < 4; n++) created.push(await c.propose(account.id));
    const ids = created.map((p) => p.id);
    c.xaman.injectFault({
      shape: 'soft',
      code: 429,
      httpStatus: 429,
      endpoint: 'payload',
      method: 'GET',
      count: 4,
    });
    c.xaman.injectFault({ shape: 'hard', endpoint: 'payload', method: 'GET', count: 3 });
    c.xaman.injectFault({ shape: 'hang', endpoint: 'payload', method: 'GET', count: 2 });
    c.xaman.injectFault({
      shape: 'soft',
      code: 500,
      httpStatus: 502,
      endpoint: 'payload',
      method: 'DELETE',
      count: 2,
    });
    await signQuorums(created);
    const before = await c.signatures(ids);
    await provesInvariants(ids, 'succeeded', before);
  }, 180_000);

  it('ledger disconnects and a ledger that stops validating: one transaction each once it validates again', async () => {
    const { created, ids } = await proposalsOn(1, 4);
    c.ledger.faults.holdValidation = true;
    await signQuorums(created);
    await c.settle(ids, ['submitted'], 60_000);
    for (let i = 0; i < 3; i++) {
      c.ledger.faults.disconnectAll();
      await pause(500);
    }
    c.ledger.faults.holdValidation = false;
    const before = await c.signatures(ids);
    await provesInvariants(ids, 'succeeded', before);
  }, 180_000);
});

async function waitForSignatures(c: FaultCluster, id: string, n: number): Promise<void> {
  await waitUntilSignatures(c, [id], n);
}

async function waitUntilSignatures(c: FaultCluster, ids: string[], n: number): Promise<void> {
  const until = Date.now() + 30_000;
  while ((await c.signatures(ids)).length < n) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${n} signatures`);
    await pause(50);
  }
}

/** Until a service backend waits for a row lock (the held acceptance). */
async function waitForLockWaiter(c: FaultCluster): Promise<void> {
  const until = Date.now() + 30_000;
  const monitor = new Client({ connectionString: c.databaseUrl });
  await monitor.connect();
  try {
    for (;;) {
      const { rows } = await monitor.query(
        `SELECT 1 FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%FOR UPDATE%'`,
      );
      if (rows.length > 0) return;
      if (Date.now() > until) throw new Error('timed out waiting for the acceptance to wait on the lock');
      await pause(50);
    }
  } finally {
    await monitor.end();
  }
}

async function waitForCombined(c: FaultCluster, id: string): Promise<void> {
  const until = Date.now() + 30_000;
  while (!(await c.proposals([id]))[0]!.combined) {
    if (Date.now() > until) throw new Error(`timed out waiting for the combined blob of ${id}`);
    await pause(20);
  }
}
