import {
  alice,
  bob,
  carol,
  collectingProposal,
  dave,
  operator,
  proposalOf,
  requestOf,
  storeSignature,
  treasury,
} from '../../test/domain.fixtures';

describe('RefreshAccount', () => {
  async function twoProposals() {
    const { d, account, proposal: collecting } = await collectingProposal({ tickets: [1, 2] });
    const { proposalId } = await d.creating.execute({
      accountId: account.id,
      txjson: { TransactionType: 'AccountSet' },
      idempotencyKey: null,
      actor: operator,
    });
    await storeSignature(d, await proposalOf(d, proposalId), alice);
    await d.changes.proposal(proposalId, 'quorumClaimed', operator);
    d.ledger.setAccount(dave.classicAddress);
    d.ledger.change(treasury.classicAddress, {
      signerList: {
        quorum: 2,
        entries: [alice, bob, carol, dave].map((w) => ({ account: w.classicAddress, weight: 1 })),
      },
    });
    return { d, account, collecting, claimedId: proposalId };
  }

  it('invalidates collecting and quorum_reached proposals when the SignerList changed, and withdraws their payloads', async () => {
    const { d, account, collecting, claimedId } = await twoProposals();
    const result = await d.refreshing.execute(account.id, operator);
    expect(result).toMatchObject({ changed: true, signerListChanged: true });
    expect(result.invalidatedProposalIds.sort()).toEqual([collecting.id, claimedId].sort());
    expect((await proposalOf(d, collecting.id)).state).toBe('invalidated');
    expect((await proposalOf(d, claimedId)).state).toBe('invalidated');
    expect((await requestOf(d, collecting.id, bob.classicAddress)).state).toBe('cancelled');
    const signers = await d.accounts.signersOf(account.id);
    expect(
      signers
        .filter((s) => s.inSignerList)
        .map((s) => s.address)
        .sort(),
    ).toEqual([alice, bob, carol, dave].map((w) => w.classicAddress).sort());
  });

  it('stores the new snapshot and the invalidations in one unit of work: all or nothing', async () => {
    const { d, account, collecting, claimedId } = await twoProposals();
    d.uow.failNextCommit = new Error('commit failed');
    await expect(d.refreshing.execute(account.id, operator)).rejects.toThrow('commit failed');
    expect((await proposalOf(d, collecting.id)).state).toBe('collecting');
    expect((await proposalOf(d, claimedId)).state).toBe('quorum_reached');
    expect((await d.accounts.signersOf(account.id)).map((s) => s.address)).not.toContain(dave.classicAddress);
    expect(d.audit.of(account.id).filter((e) => e.action === 'account.refreshed')).toHaveLength(0);
  });

  it('does not invalidate anything when only a signer key changed: keys are checked live', async () => {
    const { d, account, proposal } = await collectingProposal();
    d.ledger.change(alice.classicAddress, { masterDisabled: true, regularKey: dave.classicAddress });
    expect(await d.refreshing.execute(account.id, operator)).toEqual({
      changed: true,
      signerListChanged: false,
      keysChanged: true,
      invalidatedProposalIds: [],
    });
    expect((await proposalOf(d, proposal.id)).state).toBe('collecting');
    const stored = (await d.accounts.signersOf(account.id)).find((s) => s.address === alice.classicAddress)!;
    expect(stored).toMatchObject({ masterDisabled: true, regularKey: dave.classicAddress });
  });

  it('reports no change when the ledger matches the snapshot', async () => {
    const { d, account } = await collectingProposal();
    expect(await d.refreshing.execute(account.id, operator)).toEqual({
      changed: false,
      signerListChanged: false,
      keysChanged: false,
      invalidatedProposalIds: [],
    });
  });

  it('refuses ACCOUNT_HAS_NO_SIGNER_LIST when the list was removed on ledger', async () => {
    const { d, account } = await collectingProposal();
    d.ledger.change(treasury.classicAddress, { signerList: null });
    await expect(d.refreshing.execute(account.id, operator)).rejects.toMatchObject({
      code: 'ACCOUNT_HAS_NO_SIGNER_LIST',
    });
  });
});
