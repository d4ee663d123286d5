import { Wallet } from 'xrpl';
import { buildDomain, Domain, FakeLedger } from '../../test/fakes';
import {
  alice,
  bob,
  carol,
  operator,
  payment,
  propose,
  proposalOf,
  registerTreasury,
  signs,
  treasury,
} from '../../test/domain.fixtures';
import { DomainError } from '../errors/domain.error';
import { AccountRepository } from '../ports/account.repository';
import { Ledgers } from '../ports/ledger.port';
import { AccountLedgers } from './account-ledgers';

/** Two served networks: the default `testnet` and a custom `mycorp` (NetworkID 21337). */
function twoNetworks(): { d: Domain; custom: FakeLedger } {
  const d = buildDomain({ forceNetworks: { testnet: 'TESTNET', mycorp: 'MYCORP' } });
  const custom = d.networkLedgers.get('mycorp')!;
  custom.networkId = 21337;
  return { d, custom };
}

/** The treasury (alice, bob, carol; quorum 2) on the custom network's ledger only, registered there. */
async function registerOnCustom(d: Domain, custom: FakeLedger) {
  for (const wallet of [alice, bob, carol]) custom.setAccount(wallet.classicAddress);
  custom.setAccount(treasury.classicAddress, {
    sequence: 500,
    balanceDrops: '10000000000',
    signerList: {
      quorum: 2,
      entries: [alice, bob, carol].map((w) => ({ account: w.classicAddress, weight: 1 })),
    },
  });
  return d.registering.execute({ address: treasury.classicAddress, network: 'mycorp' }, operator);
}

describe('several networks in one deployment', () => {
  it('registers an account from its own network ledger, and the same address on another network apart', async () => {
    const { d, custom } = twoNetworks();
    const onCustom = await registerOnCustom(d, custom);
    expect(onCustom).toMatchObject({ network: 'mycorp', address: treasury.classicAddress });
    expect(d.ledger.accountFactsCalls).toBe(0);
    const onDefault = await registerTreasury(d, { sequence: 100 });
    expect(onDefault.id).not.toBe(onCustom.id);
    expect(onDefault.network).toBe('testnet');
  });

  it('refuses a network the deployment does not serve, naming the served ones, and stores nothing', async () => {
    const { d } = twoNetworks();
    const refused = await d.registering
      .execute({ address: Wallet.generate().classicAddress, network: 'devnet' }, operator)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({
      code: 'UNKNOWN_NETWORK',
      details: { network: 'devnet', served: ['testnet', 'mycorp'] },
    });
    expect(await d.accounts.list()).toEqual([]);
  });

  it("prepares on the account's network (NetworkID above 1024) with its force_network", async () => {
    const { d, custom } = twoNetworks();
    const onCustom = await registerOnCustom(d, custom);
    const onDefault = await registerTreasury(d);
    const customProposal = await propose(d, onCustom.id);
    const defaultProposal = await propose(d, onDefault.id);
    expect(customProposal.preparedTx).toMatchObject({ Sequence: 500, NetworkID: 21337 });
    expect(defaultProposal.preparedTx.Sequence).toBe(100);
    expect(defaultProposal.preparedTx.NetworkID).toBeUndefined();
    const forced = (id: string) =>
      d.xaman.created.filter((p) => p.blob?.proposalId === id).map((p) => p.forceNetwork);
    expect(forced(customProposal.id)).toEqual(['MYCORP', 'MYCORP', 'MYCORP']);
    expect(forced(defaultProposal.id)).toEqual(['TESTNET', 'TESTNET', 'TESTNET']);
  });

  it("verifies keys, combines and submits on the account's network ledger only", async () => {
    const { d, custom } = twoNetworks();
    const account = await registerOnCustom(d, custom);
    const proposal = await propose(d, account.id, { txjson: payment('1000000') });
    await signs(d, proposal, alice);
    await signs(d, proposal, bob);
    const submitted = await proposalOf(d, proposal.id);
    expect(submitted.state).toBe('submitted');
    expect(custom.submitted).toEqual([submitted.combinedBlob]);
    expect(d.ledger.submitted).toEqual([]);
    expect(d.ledger.accountFactsCalls).toBe(0);
  });

  it("expires on LastLedgerSequence only by the proposal's own network ledger", async () => {
    const { d, custom } = twoNetworks();
    const onCustom = await registerOnCustom(d, custom);
    const onDefault = await registerTreasury(d);
    const customProposal = await propose(d, onCustom.id);
    const defaultProposal = await propose(d, onDefault.id);
    d.ledger.validatedIndex = defaultProposal.lastLedgerSequence + 1; // the default ledger ran ahead
    expect(await d.closing.expireDue()).toBe(1);
    expect((await proposalOf(d, defaultProposal.id)).state).toBe('expired');
    expect((await proposalOf(d, customProposal.id)).state).toBe('collecting');
    custom.validatedIndex = customProposal.lastLedgerSequence + 1;
    expect(await d.closing.expireDue()).toBe(1);
    expect((await proposalOf(d, customProposal.id)).state).toBe('expired');
  });
});

describe('AccountLedgers.networkOf', () => {
  it('reads an account once however many callers ask at the same time, and never again', async () => {
    let reads = 0;
    const accounts = {
      find: async () => {
        reads++;
        await new Promise((r) => setTimeout(r, 5));
        return { network: 'testnet' };
      },
    } as unknown as AccountRepository;
    const ledgers = new AccountLedgers(
      { find: () => null, names: () => ['testnet'] } as unknown as Ledgers,
      accounts,
    );
    const networks = await Promise.all(Array.from({ length: 50 }, () => ledgers.networkOf('account-1')));
    expect(new Set(networks)).toEqual(new Set(['testnet']));
    expect(await ledgers.networkOf('account-1')).toBe('testnet');
    expect(reads).toBe(1);
  });

  it('answers ACCOUNT_NOT_FOUND to every waiting caller, and reads again next time', async () => {
    let reads = 0;
    const accounts = {
      find: async () => {
        reads++;
        return null;
      },
    } as unknown as AccountRepository;
    const ledgers = new AccountLedgers({ names: () => [] } as unknown as Ledgers, accounts);
    const answers = await Promise.allSettled([ledgers.networkOf('gone'), ledgers.networkOf('gone')]);
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected']);
    expect((answers[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
    await expect(ledgers.networkOf('gone')).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
    expect(reads).toBe(2);
  });
});
