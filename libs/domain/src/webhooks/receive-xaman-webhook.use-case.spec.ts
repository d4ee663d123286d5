import { xamanErrors } from '../../test/fakes';
import { alice, collectingProposal, proposalOf, requestOf, signAtXaman } from '../../test/domain.fixtures';
import { XAMAN_ACTOR } from '../shared/actor';

describe('ReceiveXamanWebhook', () => {
  async function signedPayload() {
    const { d, proposal } = await collectingProposal();
    const uuid = await signAtXaman(d, proposal, alice);
    return { d, proposal, uuid };
  }

  it('re-reads the announced payload from Xaman and counts its blob', async () => {
    const { d, proposal, uuid } = await signedPayload();
    expect(await d.webhooks.execute(d.xaman.webhook(uuid, d.clock.now()), XAMAN_ACTOR)).toEqual({
      received: true,
      outcome: 'signed',
    });
    expect(d.xaman.getPayloadCalls).toEqual([uuid]);
    expect(await d.proposals.signaturesOf(proposal.id)).toHaveLength(1);
  });

  it('refuses WEBHOOK_SIGNATURE_INVALID for a body signed with another secret, without reading anything', async () => {
    const { d, uuid } = await signedPayload();
    const forged = d.xaman.webhook(uuid, d.clock.now(), { secret: 'another-secret' });
    await expect(d.webhooks.execute(forged, XAMAN_ACTOR)).rejects.toMatchObject({
      code: 'WEBHOOK_SIGNATURE_INVALID',
    });
    expect(d.xaman.getPayloadCalls).toHaveLength(0);
  });

  it('refuses WEBHOOK_SIGNATURE_INVALID for a body changed after signing', async () => {
    const { d, uuid } = await signedPayload();
    const delivery = d.xaman.webhook(uuid, d.clock.now());
    const tampered = { ...delivery, rawBody: Buffer.from(delivery.rawBody!.toString().replace('}}', ' }}')) };
    await expect(d.webhooks.execute(tampered, XAMAN_ACTOR)).rejects.toMatchObject({
      code: 'WEBHOOK_SIGNATURE_INVALID',
    });
  });

  it('refuses WEBHOOK_TIMESTAMP_STALE for a delivery signed too long ago', async () => {
    const { d, uuid } = await signedPayload();
    const old = d.xaman.webhook(uuid, new Date(d.clock.now().getTime() - 301_000));
    await expect(d.webhooks.execute(old, XAMAN_ACTOR)).rejects.toMatchObject({
      code: 'WEBHOOK_TIMESTAMP_STALE',
    });
  });

  it('refuses WEBHOOK_REPLAYED for the exact same delivery twice', async () => {
    const { d, uuid } = await signedPayload();
    const delivery = d.xaman.webhook(uuid, d.clock.now());
    await d.webhooks.execute(delivery, XAMAN_ACTOR);
    await expect(d.webhooks.execute(delivery, XAMAN_ACTOR)).rejects.toMatchObject({
      code: 'WEBHOOK_REPLAYED',
    });
  });

  it('refuses VALIDATION_FAILED when meta.payload_uuidv4 is not a UUID', async () => {
    const { d } = await signedPayload();
    const delivery = d.xaman.webhook('x', d.clock.now(), {
      body: { meta: { payload_uuidv4: 'not-a-uuid' } },
    });
    await expect(d.webhooks.execute(delivery, XAMAN_ACTOR)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it("lets Xaman's outage during the re-read propagate as a retryable error, storing no signature, and a redelivery then succeeds", async () => {
    const { d, proposal, uuid } = await signedPayload();
    d.xaman.getErrors.push(xamanErrors.rateLimited());
    await expect(d.webhooks.execute(d.xaman.webhook(uuid, d.clock.now()), XAMAN_ACTOR)).rejects.toMatchObject(
      {
        name: 'XamanApiError',
        retryable: true,
      },
    );
    expect(await d.proposals.signaturesOf(proposal.id)).toHaveLength(0);
    expect((await requestOf(d, proposal.id, alice.classicAddress)).state).toBe('created');
    expect((await proposalOf(d, proposal.id)).state).toBe('collecting');

    d.clock.advance(10_000); // Xaman delivers again, signed again
    const again = await d.webhooks.execute(d.xaman.webhook(uuid, d.clock.now()), XAMAN_ACTOR);
    expect(again.outcome).toBe('signed');
  });

  it('prunes receipts older than the window', async () => {
    const { d, uuid } = await signedPayload();
    await d.webhooks.execute(d.xaman.webhook(uuid, d.clock.now()), XAMAN_ACTOR);
    expect(await d.pruning.execute(1_000)).toBe(0);
    d.clock.advance(1_001);
    expect(await d.pruning.execute(1_000)).toBe(1);
  });
});
