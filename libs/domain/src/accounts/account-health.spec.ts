import { buildDomain } from '../../test/fakes';
import { alice, bob, carol, registerTreasury } from '../../test/domain.fixtures';
import { accountHealth } from './account-health';

describe('accountHealth', () => {
  it('lists what makes an account weak', async () => {
    const d = buildDomain();
    d.ledger.setAccount(carol.classicAddress, { masterDisabled: true });
    const account = await registerTreasury(d, {
      quorum: 2,
      signers: [
        { wallet: alice, weight: 2 },
        { wallet: bob, weight: 1 },
        { wallet: carol, weight: 1 },
      ],
    });
    const signers = await d.accounts.signersOf(account.id);
    const codes = accountHealth(account, signers, d.clock.now(), d.settings.tokenExpiryWarningMs).map(
      (w) => `${w.code}${w.signer ? ` ${w.signer}` : ''}`,
    );
    expect(codes).toEqual(
      expect.arrayContaining([
        'MASTER_KEY_ENABLED',
        `QUORUM_REACHABLE_ALONE ${alice.classicAddress}`,
        `SIGNER_WITHOUT_TOKEN ${bob.classicAddress}`,
        `SIGNER_NO_USABLE_KEY ${carol.classicAddress}`,
      ]),
    );
    expect(codes).not.toContain(`QUORUM_REACHABLE_ALONE ${bob.classicAddress}`);
    const hardened = accountHealth({ ...account, masterDisabled: true }, [], d.clock.now(), 0);
    expect(hardened).toEqual([]);
  });
});
