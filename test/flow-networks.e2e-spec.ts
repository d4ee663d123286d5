import { Wallet } from 'xrpl';
import {
  LedgerSandbox,
  SANDBOX_XAMAN_API_KEY,
  SANDBOX_XAMAN_API_SECRET,
  setUpMultisigAccount,
  startLedgerSandbox,
} from '@app/sandbox';
import { FlowEnv, payment, startFlow } from './support/flow';

/**
 * Several networks in one deployment: the default `sandbox` network (the flow's ledger sandbox) and
 * a custom `sandbox2` (XRPL_NETWORKS) on a second ledger sandbox with NetworkID 21337. Each account
 * is prepared, signed and submitted on its own network's ledger.
 */
describe('coordination flow: several networks in one deployment', () => {
  let ledger2: LedgerSandbox;
  let env: FlowEnv;
  beforeAll(async () => {
    ledger2 = await startLedgerSandbox({ port: 0, closeIntervalMs: 250, networkId: 21337 });
    env = await startFlow({
      env: {
        XRPL_NETWORKS: JSON.stringify([
          { name: 'sandbox2', url: ledger2.url, networkId: 21337, forceNetwork: 'SANDBOX2' },
          // The same server configured with another NetworkID: never prepared on.
          { name: 'wrong-id', url: ledger2.url, networkId: 999 },
        ]),
      },
    });
  }, 30_000);
  afterAll(async () => {
    await env?.close();
    await ledger2?.close();
  }, 30_000);

  async function register(network: string, ledger: LedgerSandbox): Promise<{ id: string; address: string }> {
    const setup = await setUpMultisigAccount(ledger, env.xaman, {
      quorum: 2,
      signers: [{ weight: 1 }, { weight: 1 }],
    });
    const registered = await env.call('POST', '/v1/accounts', {
      address: setup.account.address,
      network,
      label: network,
    });
    expect(registered.status).toBe(201);
    expect(registered.body.network).toBe(network);
    for (const signer of setup.signers) {
      const put = await env.call('PUT', `/v1/accounts/${registered.body.id}/signers/${signer.address}`, {
        userToken: signer.userToken,
      });
      expect(put.status).toBe(200);
    }
    return { id: registered.body.id as string, address: setup.account.address };
  }

  async function forceNetworkOf(payloadUuid: string): Promise<unknown> {
    const res = await fetch(`${env.xaman.url}/api/v1/platform/payload/${payloadUuid}`, {
      headers: { 'x-api-key': SANDBOX_XAMAN_API_KEY, 'x-api-secret': SANDBOX_XAMAN_API_SECRET },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { meta: { force_network?: string } }).meta.force_network ?? null;
  }

  async function payOut(accountId: string, destination: string): Promise<any> {
    const created = await env.call('POST', '/v1/proposals', {
      accountId,
      txjson: payment(destination, '7000000'),
    });
    expect(created.status).toBe(201);
    for (const signer of created.body.signers) {
      const signed = await fetch(`${env.xaman.url}/sandbox/payloads/${signer.payloadUuid}/sign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(signed.status).toBe(200);
    }
    return created.body;
  }

  it('registers one account on each network and pays out on both, each on its own ledger', async () => {
    const main = await register('sandbox', env.ledger);
    const custom = await register('sandbox2', ledger2);
    // Each account exists only on its own network's ledger.
    expect(env.ledger.getBalance(custom.address)).toBeUndefined();
    expect(ledger2.getBalance(main.address)).toBeUndefined();

    const toMain = Wallet.generate().classicAddress;
    const toCustom = Wallet.generate().classicAddress;
    const onMain = await payOut(main.id, toMain);
    const onCustom = await payOut(custom.id, toCustom);

    // NetworkID only above 1024; force_network as configured per network (none for sandbox).
    expect(onMain.preparedTx.NetworkID).toBeUndefined();
    expect(onCustom.preparedTx.NetworkID).toBe(21337);
    expect(await forceNetworkOf(onMain.signers[0].payloadUuid)).toBeNull();
    expect(await forceNetworkOf(onCustom.signers[0].payloadUuid)).toBe('SANDBOX2');

    const [doneMain, doneCustom] = await Promise.all([
      env.waitForProposal(onMain.id, (p) => p.state === 'succeeded'),
      env.waitForProposal(onCustom.id, (p) => p.state === 'succeeded'),
    ]);
    expect(doneMain.result).toMatchObject({ transactionResult: 'tesSUCCESS', deliveredAmount: '7000000' });
    expect(doneCustom.result).toMatchObject({ transactionResult: 'tesSUCCESS', deliveredAmount: '7000000' });
    expect(env.ledger.getBalance(toMain)).toBe(7_000_000n);
    expect(ledger2.getBalance(toCustom)).toBe(7_000_000n);
    expect(env.ledger.getBalance(toCustom)).toBeUndefined();
    expect(ledger2.getBalance(toMain)).toBeUndefined();
  }, 60_000);

  it('prepares nothing on a server that reports another NetworkID than configured (503, nothing stored)', async () => {
    // The same server as sandbox2 (which pays out above): only the configured NetworkID differs.
    const account = await register('wrong-id', ledger2);
    const before = await env.rowCounts();
    const refused = await env.call('POST', '/v1/proposals', {
      accountId: account.id,
      txjson: payment(Wallet.generate().classicAddress, '1000000'),
    });
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('XRPL_UNAVAILABLE');
    expect(await env.rowCounts()).toEqual(before);
  });

  it('refuses a network the deployment does not serve, naming the served ones, and stores nothing', async () => {
    const before = await env.rowCounts();
    const refused = await env.call('POST', '/v1/accounts', {
      address: Wallet.generate().classicAddress,
      network: 'testnet',
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'UNKNOWN_NETWORK',
      details: { network: 'testnet', served: ['sandbox', 'sandbox2', 'wrong-id'] },
    });
    expect(await env.rowCounts()).toEqual(before);
  });
});
