import { INestApplication } from '@nestjs/common';
import { Wallet } from 'xrpl';
import { Actor, RegisterAccount, UpdateSigner } from '@app/domain';
import { setUpMultisigAccount } from '@app/sandbox';
import type { RunningSandboxes } from '../../sandbox/src/start-sandboxes';

export interface DemoAccount {
  accountId: string;
  address: string;
  destination: string;
  signers: string[];
}

const SYSTEM: Actor = { type: 'system', id: null };

/**
 * The `npm start` demo on the sandboxes: a funded 2-of-3 multisig account with 5 Tickets, whose
 * three signers are simulated Xaman users (they sign on their own after a push), registered with
 * their user tokens. The sandbox ledger lives in memory, so each start makes a new one.
 */
export async function seedDemo(sandboxes: RunningSandboxes, api: INestApplication): Promise<DemoAccount> {
  const setup = await setUpMultisigAccount(sandboxes.ledger, sandboxes.xaman, {
    quorum: 2,
    signers: [{ weight: 1 }, { weight: 1, algorithm: 'secp256k1' }, { weight: 1 }],
    tickets: 5,
  });
  const destination = Wallet.generate().classicAddress;
  await sandboxes.ledger.fund(destination, 20_000_000n);
  const registered = await api.get(RegisterAccount).execute(
    {
      address: setup.account.address,
      network: 'sandbox',
      label: `demo treasury ${new Date().toISOString()}`,
    },
    SYSTEM,
  );
  for (const signer of setup.signers) {
    await api
      .get(UpdateSigner)
      .execute(registered.id, signer.address, { userToken: signer.userToken, label: 'demo signer' }, SYSTEM);
  }
  return {
    accountId: registered.id,
    address: setup.account.address,
    destination,
    signers: setup.signers.map((s) => s.address),
  };
}
