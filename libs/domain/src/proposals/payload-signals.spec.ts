import { buildDomain, Domain, xamanErrors } from '../../test/fakes';
import {
  alice,
  bob,
  carol,
  payloadOf,
  propose,
  registerTreasury,
  requestOf,
  signAtXaman,
} from '../../test/domain.fixtures';
import { ProposalRecord } from '../records';
import { XamanApiError } from '../ports/xaman.port';
import { silentLogger } from '../shared/logger';
import { PayloadSignals } from './payload-signals';
import { QuorumPriority } from '../shared/quorum-priority';
import { PayloadWatches } from './payload-watches';
import { ResolvePayload } from './resolve-payload.use-case';

/** Lets the promise callbacks queued so far run (no time passes). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('PayloadSignals', () => {
  let d: Domain;
  let proposal: ProposalRecord;

  beforeEach(async () => {
    d = buildDomain();
    const account = await registerTreasury(d);
    proposal = await propose(d, account.id);
  });

  const fetchesOf = (uuid: string) => d.xaman.getPayloadCalls.filter((u) => u === uuid).length;

  it('turns a webhook, a socket "resolved" and a poll for the same payload into one fetch and one signature', async () => {
    const uuid = await signAtXaman(d, proposal, alice);
    const webhook = d.signals.signal(uuid, 'webhook');
    d.xaman.fire(uuid, 'resolved');
    const poll = d.signals.signal(uuid, 'poll');
    expect(await Promise.all([webhook, poll])).toEqual(['signed', 'signed']);
    await settle();
    expect(fetchesOf(uuid)).toBe(1);
    expect(await d.proposals.signaturesOf(proposal.id)).toHaveLength(1);
    expect(d.audit.of(proposal.id).filter((e) => e.action === 'signature.accepted')).toHaveLength(1);
  });

  it('fetches exactly once more when a signal arrives while an unresolved fetch is in flight', async () => {
    const uuid = await payloadOf(d, proposal.id, alice.classicAddress);
    let answer!: () => void;
    d.xaman.getGate = new Promise<void>((resolve) => (answer = resolve));
    const first = d.signals.signal(uuid, 'poll'); // asks Xaman while the payload is unsigned
    await settle();
    d.xaman.getGate = null;
    await signAtXaman(d, proposal, alice);
    const second = d.signals.signal(uuid, 'webhook');
    const third = d.signals.signal(uuid, 'webhook');
    answer();
    expect(await Promise.all([first, second, third])).toEqual(['signed', 'signed', 'signed']);
    expect(fetchesOf(uuid)).toBe(2);
    expect(await d.proposals.signaturesOf(proposal.id)).toHaveLength(1);
  });

  it('does not fetch again when the in-flight fetch already settled the payload', async () => {
    const uuid = await signAtXaman(d, proposal, alice);
    let answer!: () => void;
    d.xaman.getGate = new Promise<void>((resolve) => (answer = resolve));
    const first = d.signals.signal(uuid, 'poll');
    await settle();
    const second = d.signals.signal(uuid, 'webhook');
    answer();
    await Promise.all([first, second]);
    expect(fetchesOf(uuid)).toBe(1);
  });

  it('records a socket "opened" without fetching the payload', async () => {
    const uuid = await payloadOf(d, proposal.id, alice.classicAddress);
    d.xaman.fire(uuid, 'opened');
    await settle();
    expect((await requestOf(d, proposal.id, alice.classicAddress)).state).toBe('opened');
    expect(fetchesOf(uuid)).toBe(0);
  });

  it('stops watching a payload once it is settled', async () => {
    const uuid = await signAtXaman(d, proposal, alice);
    await d.signals.signal(uuid, 'webhook');
    expect(d.xaman.watchers.get(uuid)!.closed).toBe(true);
  });

  it('lets the poller re-read payloads not seen for a poll interval, and no others', async () => {
    const uuid = await signAtXaman(d, proposal, alice);
    expect(await d.polling.execute()).toBe(0);
    d.clock.advance(d.settings.pollIntervalMs + 1);
    expect(await d.polling.execute()).toBe(3);
    expect(fetchesOf(uuid)).toBe(1);
    expect(await d.proposals.signaturesOf(proposal.id)).toHaveLength(1);
  });

  it('backs off a payload whose polls fail: 2, then 4 poll intervals, reset by a poll that works', async () => {
    const interval = d.settings.pollIntervalMs;
    const uuid = await payloadOf(d, proposal.id, alice.classicAddress);
    const only = async () => {
      // The other payloads are checked now, so only a due `uuid` can be polled.
      for (const other of [bob, carol]) {
        const request = await requestOf(d, proposal.id, other.classicAddress);
        await d.proposals.touchRequest(request.id, d.clock.now());
      }
      const before = fetchesOf(uuid);
      await d.polling.execute();
      return fetchesOf(uuid) - before;
    };
    d.clock.advance(interval + 1);
    d.xaman.getErrors.push(new XamanApiError('Xaman payload failed with code 503', 503, true));
    expect(await only()).toBe(1); // fails: next try in 2 intervals
    d.clock.advance(interval + 1);
    expect(await only()).toBe(0);
    d.clock.advance(interval + 1);
    d.xaman.getErrors.push(new XamanApiError('Xaman payload failed with code 503', 503, true));
    expect(await only()).toBe(1); // fails again: next try in 4 intervals
    d.clock.advance(3 * interval + 1);
    expect(await only()).toBe(0);
    d.clock.advance(interval + 1);
    expect(await only()).toBe(1); // works: back to one interval
    d.clock.advance(interval + 1);
    expect(await only()).toBe(1);
  });

  it('ends the round at a 429: the other claimed payloads wait for the next round', async () => {
    d.clock.advance(d.settings.pollIntervalMs + 1);
    d.xaman.getErrors.push(xamanErrors.rateLimited());
    const before = d.xaman.getPayloadCalls.length;
    expect(await d.polling.execute()).toBe(3);
    expect(d.xaman.getPayloadCalls.length - before).toBe(1);
    d.clock.advance(d.settings.pollIntervalMs + 1);
    await d.polling.execute();
    // The two left out are read now; the rate-limited one waits its two intervals.
    expect(d.xaman.getPayloadCalls.length - before).toBe(3);
  });

  it('claims what it polls: a second poller in the same interval finds nothing to repeat', async () => {
    d.clock.advance(d.settings.pollIntervalMs + 1);
    expect(await d.polling.execute()).toBe(3);
    expect(await d.polling.execute()).toBe(0);
    d.clock.advance(d.settings.pollIntervalMs + 1);
    expect(await d.polling.execute()).toBe(3);
  });

  it('resolves at most `concurrency` payloads at once; the others wait their turn, in arrival order', async () => {
    let running = 0;
    let most = 0;
    const started: string[] = [];
    const gates: (() => void)[] = [];
    const resolve = {
      execute: async (uuid: string) => {
        started.push(uuid);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((open) => gates.push(open));
        running--;
        return 'signed' as const;
      },
    } as unknown as ResolvePayload;
    const watches = { onEvent: () => undefined } as unknown as PayloadWatches;
    const signals = new PayloadSignals(resolve, watches, silentLogger, null, new QuorumPriority(), 3);
    const uuids = Array.from({ length: 10 }, (_, i) => `payload-${i}`);
    const outcomes = Promise.all(uuids.map((uuid) => signals.signal(uuid, 'webhook')));
    await settle();
    expect(started).toEqual(uuids.slice(0, 3));
    expect(signals.load).toEqual({ active: 3, waiting: 7 });
    while (started.length < 10 || gates.length > 0) {
      gates.shift()?.();
      await settle();
    }
    expect(await outcomes).toEqual(uuids.map(() => 'signed'));
    expect(started).toEqual(uuids);
    expect(most).toBe(3);
    expect(signals.load).toEqual({ active: 0, waiting: 0 });
  });

  it('starts no waiting resolution while a combine of this process runs: quorums first', async () => {
    const started: string[] = [];
    const gates = new Map<string, () => void>();
    const resolve = {
      execute: async (uuid: string) => {
        started.push(uuid);
        await new Promise<void>((open) => gates.set(uuid, open));
        return 'signed' as const;
      },
    } as unknown as ResolvePayload;
    const watches = { onEvent: () => undefined } as unknown as PayloadWatches;
    const priority = new QuorumPriority(60_000);
    const signals = new PayloadSignals(resolve, watches, silentLogger, null, priority, 2);
    const outcomes = Promise.all(['a', 'b', 'c', 'd'].map((uuid) => signals.signal(uuid, 'webhook')));
    await settle();
    expect(started).toEqual(['a', 'b']);

    let endCombine!: () => void;
    const combine = priority.during(() => new Promise<void>((end) => (endCombine = end)));
    gates.get('a')!();
    gates.get('b')!();
    await settle();
    // Both turns are free, but the combine holds them: the waiting ones stay waiting.
    expect(started).toEqual(['a', 'b']);
    expect(signals.load).toEqual({ active: 0, waiting: 2 });

    endCombine();
    await combine;
    await settle();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    gates.get('c')!();
    gates.get('d')!();
    expect(await outcomes).toEqual(['signed', 'signed', 'signed', 'signed']);
  });

  it('holds ingest back for maxHoldMs at most: a combine stuck on the ledger does not stop it', async () => {
    const started: string[] = [];
    const resolve = {
      execute: async (uuid: string) => {
        started.push(uuid);
        return 'signed' as const;
      },
    } as unknown as ResolvePayload;
    const watches = { onEvent: () => undefined } as unknown as PayloadWatches;
    const priority = new QuorumPriority(30);
    const signals = new PayloadSignals(resolve, watches, silentLogger, null, priority, 2);
    let endCombine!: () => void;
    const stuck = priority.during(() => new Promise<void>((end) => (endCombine = end)));
    expect(priority.busy).toBe(true);
    const outcome = signals.signal('late', 'webhook');
    await settle();
    expect(started).toEqual([]);
    expect(await outcome).toBe('signed');
    expect(started).toEqual(['late']);
    expect(priority.busy).toBe(false);
    endCombine();
    await stuck;
  });
});
