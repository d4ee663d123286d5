import { Client, Payment, Wallet, dropsToXrp, getBalanceChanges } from 'xrpl';

import { GENESIS, startLedgerSandbox } from '@app/sandbox';

import {
  Harness,
  XRP,
  fundWallets,
  multisignWith,
  newWallet,
  setSignerList,
  stopHarness,
  startHarness,
} from './support/ledger/helpers';

describe('ledger sandbox: happy path with xrpl.js only', () => {
  let h: Harness | undefined;
  afterEach(async () => stopHarness(h));

  it('validates a 2-of-3 multisigned Payment via submitAndWait and moves the balance', async () => {
    h = await startHarness({ closeIntervalMs: 200 });
    const { client, sandbox } = h;
    const ms = newWallet();
    const s1 = newWallet('ed25519');
    const s2 = newWallet();
    const s3 = newWallet();
    const dest = newWallet();
    await fundWallets(h, [ms, s1]);
    expect(
      await setSignerList(h, ms, 2, [
        { account: s1.address, weight: 1 },
        { account: s2.address, weight: 1 },
        { account: s3.address, weight: 1 },
      ]),
    ).toBe('tesSUCCESS');

    const info = await client.request({
      command: 'account_info',
      account: ms.address,
      signer_lists: true,
      ledger_index: 'validated',
    });
    expect(info.result.signer_lists?.[0]?.SignerQuorum).toBe(2);

    const tx: Payment = await client.autofill(
      {
        TransactionType: 'Payment',
        Account: ms.address,
        Destination: dest.address,
        Amount: String(20 * XRP),
      },
      2,
    );
    expect(tx.Fee).toBe('36');
    const blob = multisignWith(tx, [s1, s3]);
    const res = await client.submitAndWait(blob);
    expect(res.result.validated).toBe(true);
    expect(res.result.meta).toMatchObject({
      TransactionResult: 'tesSUCCESS',
      delivered_amount: String(20 * XRP),
    });
    expect(sandbox.getBalance(dest.address)).toBe(BigInt(20 * XRP));
    expect(await client.getXrpBalance(dest.address)).toBe(20);
    const changes = getBalanceChanges(res.result.meta as never);
    expect(changes.length).toBe(2);
    void dropsToXrp;
    void GENESIS;
    void startLedgerSandbox;
    void Client;
    void Wallet;
  });
});
