import { buildDomain, Domain, xamanErrors } from '../../test/fakes';
import { operator, payment, propose, registerTreasury } from '../../test/domain.fixtures';
import { ProposalRecord } from '../records';

describe('StateChanges', () => {
  let d: Domain;
  let proposal: ProposalRecord;

  beforeEach(async () => {
    d = buildDomain();
    const account = await registerTreasury(d);
    proposal = await propose(d, account.id);
  });

  const eventsOf = (action: string) => d.audit.of(proposal.id).filter((e) => e.action === action);

  it('applies a transition once: a second caller is told it did not apply', async () => {
    expect(await d.changes.proposal(proposal.id, 'cancelled', operator)).toBe(true);
    expect(await d.changes.proposal(proposal.id, 'cancelled', operator)).toBe(false);
    expect((await d.proposals.find(proposal.id))!.state).toBe('cancelled');
  });

  it('writes exactly one audit event naming the actor passed in', async () => {
    const actor = { type: 'api_key' as const, id: 'key-7', requestId: 'req-42' };
    await d.changes.proposal(proposal.id, 'cancelled', actor, { details: { why: 'test' } });
    await d.changes.proposal(proposal.id, 'cancelled', operator);
    const events = eventsOf('proposal.cancelled');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorType: 'api_key',
      actorId: 'key-7',
      requestId: 'req-42',
      entityType: 'proposal',
      details: { from: ['collecting', 'time_locked'], transition: 'cancelled', why: 'test' },
    });
  });

  it('sets closedAt to now for a terminal state, and leaves it empty for an open one', async () => {
    await d.changes.proposal(proposal.id, 'quorumClaimed', operator);
    expect((await d.proposals.find(proposal.id))!.closedAt).toBeNull();
    const closedAt = d.clock.advance(5_000);
    await d.changes.proposal(proposal.id, 'invalidated', operator);
    expect((await d.proposals.find(proposal.id))!.closedAt).toEqual(closedAt);
  });

  it('proposalsIn moves a batch in one unit of work: one audit and one outbox event each, others untouched', async () => {
    d = buildDomain();
    const account = await registerTreasury(d, { tickets: [101, 102, 103] });
    proposal = await propose(d, account.id);
    const second = await propose(d, account.id);
    const third = await propose(d, account.id);
    await d.changes.proposal(third.id, 'cancelled', operator);
    const moved = await d.changes.inUnitOfWork((tx) =>
      d.changes.proposalsIn(tx, [proposal.id, second.id, third.id], 'expired', operator, {
        patch: { finalReason: 'deadline' },
      }),
    );
    expect(moved.map((p) => p.id).sort()).toEqual([proposal.id, second.id].sort());
    for (const id of [proposal.id, second.id]) {
      expect(await d.proposals.find(id)).toMatchObject({ state: 'expired', finalReason: 'deadline' });
      expect(d.audit.of(id).filter((e) => e.action === 'proposal.expired')).toHaveLength(1);
    }
    expect((await d.proposals.find(third.id))!.state).toBe('cancelled');
    expect(d.audit.of(third.id).filter((e) => e.action === 'proposal.expired')).toHaveLength(0);
  });

  it('proposalsIn writes nothing when its unit of work fails', async () => {
    await expect(
      d.changes.inUnitOfWork(async (tx) => {
        await d.changes.proposalsIn(tx, [proposal.id], 'expired', operator);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await d.proposals.find(proposal.id))!.state).toBe('collecting');
    expect(eventsOf('proposal.expired')).toHaveLength(0);
  });

  it('never leaves a state the table does not allow (collecting -> succeeded is refused)', async () => {
    expect(await d.changes.proposal(proposal.id, 'settledSuccess', operator)).toBe(false);
    expect((await d.proposals.find(proposal.id))!.state).toBe('collecting');
    expect(eventsOf('proposal.succeeded')).toHaveLength(0);
  });

  it('is rolled back with its audit event when the unit of work fails', async () => {
    await expect(
      d.uow.run(async (tx) => {
        await d.changes.proposalIn(tx, proposal.id, 'cancelled', operator);
        throw new Error('the database went away');
      }),
    ).rejects.toThrow('the database went away');
    expect((await d.proposals.find(proposal.id))!.state).toBe('collecting');
    expect(eventsOf('proposal.cancelled')).toHaveLength(0);
  });

  it('is rolled back when the commit itself fails', async () => {
    d.uow.failNextCommit = new Error('commit failed');
    await expect(d.changes.proposal(proposal.id, 'cancelled', operator)).rejects.toThrow('commit failed');
    expect((await d.proposals.find(proposal.id))!.state).toBe('collecting');
    expect(eventsOf('proposal.cancelled')).toHaveLength(0);
  });

  it('keeps a deferred dispatch out of the audit trail but audits real request changes', async () => {
    d = buildDomain();
    const account = await registerTreasury(d);
    d.xaman.createErrors.push(
      xamanErrors.rateLimited(),
      xamanErrors.rateLimited(),
      xamanErrors.rateLimited(),
    );
    const deferred = await propose(d, account.id, { txjson: { ...payment(), Amount: '1000001' } });
    const [request] = await d.proposals.requestsOf(deferred.id);
    expect(request!.state).toBe('queued');
    expect(await d.changes.request(request!.id, 'withdrawn', operator)).toBe(true);
    expect(d.audit.of(request!.id).map((e) => e.action)).toEqual(['signature_request.cancelled']);
  });
});
