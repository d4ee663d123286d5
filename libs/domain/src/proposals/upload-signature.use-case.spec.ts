import { DomainError } from '../errors/domain.error';
import {
  alice,
  blobFor,
  bob,
  carol,
  collectingProposal,
  mallory,
  operator,
  proposalOf,
  requestOf,
  signs,
} from '../../test/domain.fixtures';

const codeOf = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).code;
};

describe('UploadSignature', () => {
  it('counts a blob from a signer outside Xaman, audits who uploaded it and withdraws its payload', async () => {
    const { d, proposal } = await collectingProposal();
    const payload = (await requestOf(d, proposal.id, alice.classicAddress)).xamanPayloadUuid!;
    expect(await d.uploading.execute(proposal.id, blobFor(proposal, alice), operator)).toEqual({
      signer: alice.classicAddress,
    });
    expect(await requestOf(d, proposal.id, alice.classicAddress)).toMatchObject({ state: 'signed' });
    expect(await d.proposals.signaturesOf(proposal.id)).toHaveLength(1);
    expect(d.xaman.cancelCalls).toContain(payload);
    const accepted = (await d.audit.list({ action: 'signature.accepted', limit: 10 }))[0]!;
    expect(accepted).toMatchObject({ actorId: operator.id });
    expect(accepted.details).toMatchObject({ transition: 'signedByUpload', uploadedBy: operator.id });
  });

  it('answers PROPOSAL_NOT_COLLECTING when the proposal closes while the upload is checked; the blob is kept, nothing counts', async () => {
    const { d, proposal } = await collectingProposal();
    const facts = d.ledger.accountFacts.bind(d.ledger);
    // The signer's keys are read from the ledger during the check: the proposal is cancelled then.
    jest.spyOn(d.ledger, 'accountFacts').mockImplementationOnce(async (address) => {
      await d.closing.cancel(proposal.id, operator);
      return facts(address);
    });
    expect(await codeOf(d.uploading.execute(proposal.id, blobFor(proposal, alice), operator))).toBe(
      'PROPOSAL_NOT_COLLECTING',
    );
    expect(await requestOf(d, proposal.id, alice.classicAddress)).toMatchObject({
      state: 'signed',
      refusalDetail: 'arrived while cancelled',
    });
    expect(await d.proposals.signaturesOf(proposal.id)).toEqual([]);
    expect((await proposalOf(d, proposal.id)).state).toBe('cancelled');
  });

  it('lets an uploaded blob and a Xaman blob reach the quorum together', async () => {
    const { d, proposal } = await collectingProposal();
    await d.uploading.execute(proposal.id, blobFor(proposal, bob), operator);
    expect(await signs(d, proposal, alice)).toBe('signed');
    expect((await proposalOf(d, proposal.id)).state).toBe('submitted');
  });

  it('refuses a tampered blob with the rule that failed and stores nothing', async () => {
    const { d, proposal } = await collectingProposal();
    const tampered = { ...proposal, preparedTx: { ...proposal.preparedTx, Amount: '99000000' } };
    expect(await codeOf(d.uploading.execute(proposal.id, blobFor(tampered, alice), operator))).toBe(
      'BLOB_TX_MISMATCH',
    );
    expect(await requestOf(d, proposal.id, alice.classicAddress)).toMatchObject({ state: 'created' });
    expect(await d.proposals.signaturesOf(proposal.id)).toHaveLength(0);
    expect(await d.audit.list({ action: 'signature.upload_refused', limit: 10 })).toHaveLength(1);
  });

  it('refuses a signer outside the list, a blob that is not hex-decodable, and a second answer', async () => {
    const { d, proposal } = await collectingProposal();
    expect(await codeOf(d.uploading.execute(proposal.id, blobFor(proposal, mallory), operator))).toBe(
      'SIGNER_NOT_IN_LIST',
    );
    expect(await codeOf(d.uploading.execute(proposal.id, 'ABCD', operator))).toBe('BLOB_MALFORMED');
    await d.uploading.execute(proposal.id, blobFor(proposal, carol), operator);
    expect(await codeOf(d.uploading.execute(proposal.id, blobFor(proposal, carol), operator))).toBe(
      'SIGNER_ALREADY_ANSWERED',
    );
  });

  it('refuses a blob signed with a disabled master key (live key facts, as for Xaman blobs)', async () => {
    const { d, proposal } = await collectingProposal();
    d.ledger.change(alice.classicAddress, { masterDisabled: true, regularKey: bob.classicAddress });
    expect(await codeOf(d.uploading.execute(proposal.id, blobFor(proposal, alice), operator))).toBe(
      'SIGNER_MASTER_DISABLED',
    );
  });

  it('refuses uploads once the proposal stopped collecting', async () => {
    const { d, proposal } = await collectingProposal();
    await d.closing.cancel(proposal.id, operator);
    expect(await codeOf(d.uploading.execute(proposal.id, blobFor(proposal, alice), operator))).toBe(
      'PROPOSAL_NOT_COLLECTING',
    );
  });
});
