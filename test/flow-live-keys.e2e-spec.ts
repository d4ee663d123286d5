import { Wallet } from 'xrpl';
import { applySingleSigned } from '@app/sandbox';
import { FlowEnv, payment, sandboxAction, startFlow } from './support/flow';

/**
 * A signature counts only if the key is valid on the ledger when it is verified: key facts taken at
 * registration (or at proposal creation) may be stale, and no refresh call is made here.
 */
describe('signer keys are judged by the ledger as it is now, not as registered', () => {
  let env: FlowEnv;
  beforeAll(async () => {
    env = await startFlow();
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  const entryOf = (proposal: any, address: string) =>
    proposal.signers.find((s: any) => s.address === address);
  const resolved = (address: string) => (p: any) =>
    !['queued', 'created', 'opened'].includes(entryOf(p, address).state);

  async function proposeFromTwoOfThree() {
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const destination = Wallet.generate().classicAddress;
    const created = await env.call('POST', '/v1/proposals', {
      accountId,
      txjson: payment(destination, '5000000'),
    });
    expect(created.status).toBe(201);
    const [a, b, c] = setup.signers as [any, any, any];
    return { setup, destination, proposal: created.body, a, b, c };
  }

  it('a signature made with a master key disabled after the proposal was created is not counted; the honest signers pay out', async () => {
    const { setup, destination, proposal, a, b, c } = await proposeFromTwoOfThree();
    // Signer a moves to a regular key and disables its master key on the ledger.
    const master = Wallet.fromSeed(a.seed);
    await applySingleSigned(env.ledger, master, {
      TransactionType: 'SetRegularKey',
      RegularKey: Wallet.generate().classicAddress,
    });
    await applySingleSigned(env.ledger, master, { TransactionType: 'AccountSet', SetFlag: 4 });
    expect(env.ledger.getAccount(a.address, 'validated')!.Flags & 0x00100000).toBe(0x00100000);

    // ...and still signs with the disabled master key.
    expect(
      (await sandboxAction(env, entryOf(proposal, a.address).payloadUuid, 'sign', { keySeed: a.seed }))
        .status,
    ).toBe(200);
    const afterA = await env.waitForProposal(proposal.id, resolved(a.address));
    expect(entryOf(afterA, a.address)).toMatchObject({
      signatureCounted: false,
      refusalCode: 'SIGNER_MASTER_DISABLED',
    });
    expect(afterA.state).toBe('collecting');
    expect(afterA.quorum.collectedWeight).toBe(0);

    for (const honest of [b, c])
      expect((await sandboxAction(env, entryOf(proposal, honest.address).payloadUuid, 'sign')).status).toBe(
        200,
      );
    const done = await env.waitForProposal(
      proposal.id,
      (p) => !['collecting', 'quorum_reached', 'submitted'].includes(p.state),
    );
    expect(done.state).toBe('succeeded');
    expect(done.result.transactionResult).toBe('tesSUCCESS');
    expect(env.ledger.getBalance(destination)).toBe(5_000_000n);
    const onLedger = env.ledger.findTransactions(setup.account.address, done.sequence);
    expect(onLedger).toHaveLength(1);
    const signers = (onLedger[0]!.tx.Signers as { Signer: { Account: string } }[]).map(
      (s) => s.Signer.Account,
    );
    expect(signers.sort()).toEqual([b.address, c.address].sort());
  }, 40_000);

  it('a signature made with a RegularKey set after registration counts, and the payout succeeds without a refresh', async () => {
    const { setup, destination, proposal, a, b } = await proposeFromTwoOfThree();
    const regular = Wallet.generate();
    await applySingleSigned(env.ledger, Wallet.fromSeed(a.seed), {
      TransactionType: 'SetRegularKey',
      RegularKey: regular.classicAddress,
    });
    env.xaman.setRegularKey(a.userToken, a.address, regular.seed!);

    expect(
      (await sandboxAction(env, entryOf(proposal, a.address).payloadUuid, 'sign', { useRegularKey: true }))
        .status,
    ).toBe(200);
    const afterA = await env.waitForProposal(proposal.id, resolved(a.address));
    expect(entryOf(afterA, a.address)).toMatchObject({ signatureCounted: true, refusalCode: null });

    expect((await sandboxAction(env, entryOf(proposal, b.address).payloadUuid, 'sign')).status).toBe(200);
    const done = await env.waitForProposal(
      proposal.id,
      (p) => !['collecting', 'quorum_reached', 'submitted'].includes(p.state),
    );
    expect(done.state).toBe('succeeded');
    expect(env.ledger.getBalance(destination)).toBe(5_000_000n);
    const onLedger = env.ledger.findTransactions(setup.account.address, done.sequence);
    expect(onLedger).toHaveLength(1);
    const keys = (onLedger[0]!.tx.Signers as { Signer: { SigningPubKey: string } }[]).map(
      (s) => s.Signer.SigningPubKey,
    );
    expect(keys).toContain(regular.publicKey);
  }, 40_000);
});
