import { buildDomain, xamanErrors } from '../../test/fakes';
import {
  alice,
  collectingProposal,
  operator,
  payloadOf,
  propose,
  registerTreasury,
  requestOf,
} from '../../test/domain.fixtures';

describe('WithdrawPayloads', () => {
  it('keeps a request live with a next attempt when Xaman cannot cancel, and the worker cancels it later', async () => {
    const { d, proposal } = await collectingProposal();
    d.xaman.cancelResults.push(
      xamanErrors.rateLimited(),
      xamanErrors.rateLimited(),
      xamanErrors.rateLimited(),
    );
    const { payloads } = await d.closing.cancel(proposal.id, operator);
    expect(payloads.map((p) => p.reason)).toEqual([
      'XAMAN_UNAVAILABLE',
      'XAMAN_UNAVAILABLE',
      'XAMAN_UNAVAILABLE',
    ]);
    const request = await requestOf(d, proposal.id, alice.classicAddress);
    expect(request.state).toBe('created');
    expect(request.nextAttemptAt).toEqual(new Date(d.clock.now().getTime() + d.settings.withdrawRetryMs));

    expect(await d.withdrawal.runDue()).toBe(0);
    d.clock.advance(d.settings.withdrawRetryMs);
    expect(await d.withdrawal.runDue()).toBe(3);
    expect((await d.proposals.requestsOf(proposal.id)).map((r) => r.state)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
  });

  it('retries an opened payload later, and withdraws it once Xaman says it expired', async () => {
    const { d, proposal } = await collectingProposal();
    const uuid = await payloadOf(d, proposal.id, alice.classicAddress);
    d.xaman.open(uuid);
    await d.closing.cancel(proposal.id, operator);
    expect((await requestOf(d, proposal.id, alice.classicAddress)).state).toBe('created');

    d.clock.advance(d.settings.withdrawRetryMs);
    expect(await d.withdrawal.runDue()).toBe(1);
    expect((await requestOf(d, proposal.id, alice.classicAddress)).state).toBe('created');

    d.xaman.expire(uuid);
    d.clock.advance(d.settings.withdrawRetryMs);
    await d.withdrawal.runDue();
    expect((await requestOf(d, proposal.id, alice.classicAddress)).state).toBe('cancelled');
    expect(await d.withdrawal.runDue()).toBe(0);
  });

  it('cancels queued requests without calling Xaman', async () => {
    const d = buildDomain();
    const account = await registerTreasury(d);
    d.xaman.createErrors.push(
      xamanErrors.rateLimited(),
      xamanErrors.rateLimited(),
      xamanErrors.rateLimited(),
    );
    const queued = await propose(d, account.id);
    expect((await d.proposals.requestsOf(queued.id)).map((r) => r.state)).toEqual([
      'queued',
      'queued',
      'queued',
    ]);
    const { payloads } = await d.closing.cancel(queued.id, operator);
    expect(payloads.map((p) => p.reason)).toEqual(['NOT_SENT', 'NOT_SENT', 'NOT_SENT']);
    expect(d.xaman.cancelCalls).toHaveLength(0);
    expect((await d.proposals.requestsOf(queued.id)).map((r) => r.state)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
  });
});
