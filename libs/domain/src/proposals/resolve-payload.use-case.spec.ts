import { buildDomain, Domain, xamanErrors } from '../../test/fakes';
import {
  alice,
  blobFor,
  bob,
  carol,
  carolRegularKey,
  dave,
  mallory,
  operator,
  payloadOf,
  propose,
  proposalOf,
  registerTreasury,
  requestOf,
  signAtXaman,
  signs,
} from '../../test/domain.fixtures';
import { ProposalRecord } from '../records';
import { XAMAN_ACTOR } from '../shared/actor';

describe('ResolvePayload', () => {
  let d: Domain;
  let proposal: ProposalRecord;

  beforeEach(async () => {
    d = buildDomain();
    const account = await registerTreasury(d);
    proposal = await propose(d, account.id);
  });

  const resolve = async (signer: string) =>
    d.resolving.execute(await payloadOf(d, proposal.id, signer), 'webhook', XAMAN_ACTOR);

  describe('signed blobs', () => {
    it('counts a blob signed with real keys (ed25519 master key)', async () => {
      expect(await signs(d, proposal, alice)).toBe('signed');
      const [signature] = await d.proposals.signaturesOf(proposal.id);
      expect(signature).toMatchObject({ signerAddress: alice.classicAddress, keyType: 'master', weight: 1 });
      expect(signature!.signingPubKey).toBe(alice.publicKey);
      expect(await requestOf(d, proposal.id, alice.classicAddress)).toMatchObject({
        state: 'signed',
        blobHex: blobFor(proposal, alice),
      });
    });

    it('refuses a blob for another transaction with BLOB_TX_MISMATCH; it never counts', async () => {
      const uuid = await payloadOf(d, proposal.id, alice.classicAddress);
      const tampered = { ...proposal, preparedTx: { ...proposal.preparedTx, Amount: '99000000' } };
      d.xaman.sign(uuid, blobFor(tampered, alice), alice.classicAddress);
      expect(await d.signals.signal(uuid, 'webhook')).toBe('refused');
      expect(await requestOf(d, proposal.id, alice.classicAddress)).toMatchObject({
        state: 'refused',
        refusalCode: 'BLOB_TX_MISMATCH',
      });
      expect(await d.proposals.signaturesOf(proposal.id)).toHaveLength(0);
    });

    it("refuses a valid blob that Xaman reports as another account's with XAMAN_SIGNER_MISMATCH", async () => {
      const uuid = await payloadOf(d, proposal.id, alice.classicAddress);
      d.xaman.sign(uuid, blobFor(proposal, alice), mallory.classicAddress);
      expect(await d.signals.signal(uuid, 'webhook')).toBe('refused');
      expect((await requestOf(d, proposal.id, alice.classicAddress)).refusalCode).toBe(
        'XAMAN_SIGNER_MISMATCH',
      );
      expect(await d.proposals.signaturesOf(proposal.id)).toHaveLength(0);
    });

    it('refuses a blob signed by another wallet for this signer (SIGNER_ACCOUNT_MISMATCH)', async () => {
      const uuid = await payloadOf(d, proposal.id, alice.classicAddress);
      d.xaman.sign(uuid, blobFor(proposal, mallory), alice.classicAddress);
      await d.signals.signal(uuid, 'webhook');
      expect((await requestOf(d, proposal.id, alice.classicAddress)).state).toBe('refused');
      expect(await d.proposals.signaturesOf(proposal.id)).toHaveLength(0);
    });

    it('counts nothing twice: a second signal for a signed payload is ignored without a fetch', async () => {
      const uuid = await signAtXaman(d, proposal, alice);
      await d.signals.signal(uuid, 'webhook');
      const fetches = d.xaman.getPayloadCalls.length;
      expect(await d.signals.signal(uuid, 'poll')).toBe('ignored');
      expect(d.xaman.getPayloadCalls).toHaveLength(fetches);
      expect(await d.proposals.signaturesOf(proposal.id)).toHaveLength(1);
    });

    it('answers unknown for a payload the service did not create', async () => {
      expect(await d.resolving.execute('9d4c8a5e-0000-4000-8000-000000000000', 'webhook', XAMAN_ACTOR)).toBe(
        'unknown',
      );
    });
  });

  describe('live signer keys', () => {
    it('refuses SIGNER_MASTER_DISABLED when a signer disabled its master key after the proposal was made; the honest signers complete it', async () => {
      d.ledger.change(alice.classicAddress, { masterDisabled: true, regularKey: dave.classicAddress });
      expect(await signs(d, proposal, alice)).toBe('refused');
      expect(await requestOf(d, proposal.id, alice.classicAddress)).toMatchObject({
        state: 'refused',
        refusalCode: 'SIGNER_MASTER_DISABLED',
      });
      expect((await proposalOf(d, proposal.id)).state).toBe('collecting');

      await signs(d, proposal, bob);
      await signs(d, proposal, carol);
      const done = await proposalOf(d, proposal.id);
      expect(done.state).toBe('submitted');
      expect(d.ledger.submitted).toEqual([done.combinedBlob]);
    });

    it('counts a signature made with a RegularKey the signer set after registration', async () => {
      d.ledger.change(carol.classicAddress, { regularKey: carolRegularKey.classicAddress });
      expect(await signs(d, proposal, carolRegularKey, carol.classicAddress)).toBe('signed');
      const [signature] = await d.proposals.signaturesOf(proposal.id);
      expect(signature).toMatchObject({ signerAddress: carol.classicAddress, keyType: 'regular' });
    });

    it("refuses a key that is not the signer's current RegularKey (SIGNER_KEY_NOT_AUTHORISED)", async () => {
      expect(await signs(d, proposal, carolRegularKey, carol.classicAddress)).toBe('refused');
      expect((await requestOf(d, proposal.id, carol.classicAddress)).refusalCode).toBe(
        'SIGNER_KEY_NOT_AUTHORISED',
      );
    });
  });

  describe('rejections', () => {
    it('records a rejection and keeps collecting while the quorum is still reachable', async () => {
      d.xaman.reject(await payloadOf(d, proposal.id, alice.classicAddress));
      expect(await resolve(alice.classicAddress)).toBe('rejected');
      expect((await requestOf(d, proposal.id, alice.classicAddress)).state).toBe('rejected');
      expect((await proposalOf(d, proposal.id)).state).toBe('collecting');
    });

    it('rejects the proposal once rejections leave the quorum unreachable, and withdraws the last payload', async () => {
      d.xaman.reject(await payloadOf(d, proposal.id, alice.classicAddress));
      d.xaman.reject(await payloadOf(d, proposal.id, bob.classicAddress));
      await resolve(alice.classicAddress);
      await resolve(bob.classicAddress);
      expect((await proposalOf(d, proposal.id)).state).toBe('rejected');
      expect((await requestOf(d, proposal.id, carol.classicAddress)).state).toBe('cancelled');
    });

    it('counts a refused blob and a rejection together against the quorum', async () => {
      const uuid = await payloadOf(d, proposal.id, alice.classicAddress);
      d.xaman.sign(uuid, blobFor(proposal, mallory), alice.classicAddress);
      await resolve(alice.classicAddress);
      d.xaman.reject(await payloadOf(d, proposal.id, bob.classicAddress));
      await resolve(bob.classicAddress);
      expect((await proposalOf(d, proposal.id)).state).toBe('rejected');
    });
  });

  describe('expired and cancelled payloads', () => {
    it('marks a payload expired at Xaman as expired and keeps the proposal collecting', async () => {
      d.xaman.expire(await payloadOf(d, proposal.id, alice.classicAddress));
      expect(await resolve(alice.classicAddress)).toBe('expired');
      expect((await requestOf(d, proposal.id, alice.classicAddress)).state).toBe('expired');
      expect((await proposalOf(d, proposal.id)).state).toBe('collecting');
    });

    it('marks a payload cancelled at Xaman as cancelled and keeps the proposal collecting', async () => {
      d.xaman.cancelAtXaman(await payloadOf(d, proposal.id, bob.classicAddress));
      await resolve(bob.classicAddress);
      expect((await requestOf(d, proposal.id, bob.classicAddress)).state).toBe('cancelled');
      expect((await proposalOf(d, proposal.id)).state).toBe('collecting');
    });

    it('never rejects the proposal, even when every payload expired', async () => {
      for (const signer of [alice, bob, carol]) {
        d.xaman.expire(await payloadOf(d, proposal.id, signer.classicAddress));
        await resolve(signer.classicAddress);
      }
      expect((await d.proposals.requestsOf(proposal.id)).map((r) => r.state)).toEqual([
        'expired',
        'expired',
        'expired',
      ]);
      expect((await proposalOf(d, proposal.id)).state).toBe('collecting');
    });

    it('keeps an opened payload pending past its expiry (it may still be resolved)', async () => {
      const uuid = await payloadOf(d, proposal.id, alice.classicAddress);
      d.xaman.open(uuid);
      d.xaman.expire(uuid);
      expect(await resolve(alice.classicAddress)).toBe('pending');
      expect((await requestOf(d, proposal.id, alice.classicAddress)).state).toBe('created');
    });

    it('expires a request whose payload Xaman no longer knows (404)', async () => {
      d.xaman.forget(await payloadOf(d, proposal.id, alice.classicAddress));
      expect(await resolve(alice.classicAddress)).toBe('expired');
      expect((await requestOf(d, proposal.id, alice.classicAddress)).state).toBe('expired');
      expect((await proposalOf(d, proposal.id)).state).toBe('collecting');
    });

    it('lets a retryable Xaman failure propagate and changes nothing', async () => {
      d.xaman.getErrors.push(xamanErrors.rateLimited());
      await expect(resolve(alice.classicAddress)).rejects.toMatchObject({ retryable: true });
      expect((await requestOf(d, proposal.id, alice.classicAddress)).state).toBe('created');
    });
  });

  it('marks an opened payload as opened', async () => {
    d.xaman.open(await payloadOf(d, proposal.id, alice.classicAddress));
    expect(await resolve(alice.classicAddress)).toBe('opened');
    expect((await requestOf(d, proposal.id, alice.classicAddress)).state).toBe('opened');
  });

  describe('one resolution per payload across processes', () => {
    const settle = () => new Promise((r) => setImmediate(r));
    /** Another process holding the payload's resolution (its lease taken, as its claim would). */
    const heldElsewhere = async (uuid: string, ms = 10_000) => {
      const now = d.clock.now();
      const claim = await d.proposals.claimPayload(uuid, now, new Date(now.getTime() + ms));
      expect(claim.kind).toBe('claimed');
      return claim.kind === 'claimed' ? claim.request.id : '';
    };

    it('leaves a payload another process is resolving to it: no fetch, pending, and the holder is asked again', async () => {
      const uuid = await signAtXaman(d, proposal, alice);
      const requestId = await heldElsewhere(uuid);
      expect(await d.resolving.execute(uuid, 'webhook', XAMAN_ACTOR)).toBe('pending');
      expect(d.xaman.getPayloadCalls).not.toContain(uuid);
      expect(await d.proposals.releasePayload(requestId)).toBe(true);
      expect(await d.proposals.releasePayload(requestId)).toBe(false);
    });

    it('reads once more when another process asked while its read found the payload unsigned', async () => {
      const uuid = await payloadOf(d, proposal.id, alice.classicAddress);
      let answer!: () => void;
      d.xaman.getGate = new Promise<void>((resolve) => (answer = resolve));
      const first = d.resolving.execute(uuid, 'poll', XAMAN_ACTOR); // reads while unsigned
      await settle();
      d.xaman.getGate = null;
      await signAtXaman(d, proposal, alice);
      // The other process's signal: the lease is held, so it only asks for another read.
      const now = d.clock.now();
      expect((await d.proposals.claimPayload(uuid, now, new Date(now.getTime() + 1000))).kind).toBe('busy');
      answer();
      expect(await first).toBe('signed');
      expect(d.xaman.getPayloadCalls.filter((u) => u === uuid)).toHaveLength(2);
      expect(await d.proposals.signaturesOf(proposal.id)).toHaveLength(1);
    });

    it('takes over from a holder that stopped once its lease has passed', async () => {
      const uuid = await signAtXaman(d, proposal, alice);
      await heldElsewhere(uuid, 5_000);
      expect(await d.resolving.execute(uuid, 'poll', XAMAN_ACTOR)).toBe('pending');
      d.clock.advance(5_001);
      expect(await d.resolving.execute(uuid, 'poll', XAMAN_ACTOR)).toBe('signed');
    });

    it('gives the payload back when its resolution fails, so the next signal reads it', async () => {
      const uuid = await signAtXaman(d, proposal, alice);
      d.xaman.getErrors.push(xamanErrors.rateLimited());
      await expect(d.resolving.execute(uuid, 'webhook', XAMAN_ACTOR)).rejects.toMatchObject({
        retryable: true,
      });
      expect(await d.resolving.execute(uuid, 'webhook', XAMAN_ACTOR)).toBe('signed');
    });

    it('answers ignored for a settled payload and unknown for one it never created, without a fetch', async () => {
      const uuid = await signAtXaman(d, proposal, alice);
      expect(await d.resolving.execute(uuid, 'webhook', XAMAN_ACTOR)).toBe('signed');
      const fetches = d.xaman.getPayloadCalls.length;
      expect(await d.resolving.execute(uuid, 'websocket', XAMAN_ACTOR)).toBe('ignored');
      expect(await d.resolving.execute('00000000-0000-4000-8000-000000000000', 'webhook', XAMAN_ACTOR)).toBe(
        'unknown',
      );
      expect(d.xaman.getPayloadCalls).toHaveLength(fetches);
    });
  });

  it('keeps a blob that arrives after its proposal left collecting during the read, and counts nothing', async () => {
    const uuid = await signAtXaman(d, proposal, alice);
    let answer!: () => void;
    d.xaman.getGate = new Promise<void>((resolve) => (answer = resolve));
    const resolving = d.resolving.execute(uuid, 'webhook', XAMAN_ACTOR); // claimed while collecting
    await new Promise((r) => setImmediate(r));
    await d.closing.cancel(proposal.id, operator);
    d.xaman.getGate = null;
    answer();
    expect(await resolving).toBe('ignored');
    expect(await requestOf(d, proposal.id, alice.classicAddress)).toMatchObject({
      state: 'signed',
      refusalDetail: 'arrived while cancelled',
    });
    expect(await d.proposals.signaturesOf(proposal.id)).toEqual([]);
    expect(d.audit.of(proposal.id).filter((e) => e.action === 'signature.accepted')).toEqual([]);
  });
});
