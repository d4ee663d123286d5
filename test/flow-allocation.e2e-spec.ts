import { Wallet } from 'xrpl';
import { FlowEnv, payment, startFlow } from './support/flow';

/** The number a proposal holds: its Ticket, else its Sequence. */
const numberOf = (p: { sequence: number; ticketSequence: number | null }) =>
  p.ticketSequence !== null ? `ticket ${p.ticketSequence}` : `sequence ${p.sequence}`;

describe('Sequence/Ticket allocation under simultaneous proposals', () => {
  let env: FlowEnv;
  beforeAll(async () => {
    env = await startFlow();
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  /** An account with 3 free Tickets and a free account Sequence: 4 free numbers. */
  async function accountWithThreeTickets() {
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }], tickets: 3 });
    const accountId = await env.register(setup);
    const sequence = env.ledger.getAccount(setup.account.address, 'validated')!.Sequence;
    const free = [...setup.tickets.map((t) => `ticket ${t}`), `sequence ${sequence}`];
    expect(free).toHaveLength(4);
    return { setup, accountId, free };
  }

  const proposeAtOnce = (accountId: string, count: number) =>
    Promise.all(
      Array.from({ length: count }, (_unused, i) =>
        env.call('POST', '/v1/proposals', {
          accountId,
          txjson: payment(Wallet.generate().classicAddress, String(1_000_000 + i)),
        }),
      ),
    );

  it('as many simultaneous proposals as free numbers (3 Tickets + the Sequence) all get 201, each with its own number', async () => {
    const { accountId, free } = await accountWithThreeTickets();
    const answers = await proposeAtOnce(accountId, free.length);
    expect(answers.map((a) => [a.status, a.body.code])).toEqual(free.map(() => [201, undefined]));
    expect(answers.map((a) => numberOf(a.body)).sort()).toEqual([...free].sort());
  }, 40_000);

  it('one simultaneous proposal more than free numbers: all numbers are given out once and the extra one gets 409 NO_FREE_SEQUENCE', async () => {
    const { accountId, free } = await accountWithThreeTickets();
    const answers = await proposeAtOnce(accountId, free.length + 1);
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused.map((a) => [a.status, a.body.code])).toEqual([[409, 'NO_FREE_SEQUENCE']]);
    expect(created.map((a) => numberOf(a.body)).sort()).toEqual([...free].sort());
    const open = await env.db.dataSource.query(
      `SELECT count(*)::int AS n FROM proposals WHERE account_id = $1`,
      [accountId],
    );
    expect(open[0].n).toBe(free.length);
  }, 40_000);

  it('5 simultaneous proposals on an account with 3 free Tickets and a free Sequence: at least 4 get 201 with distinct numbers, any refusal is NO_FREE_SEQUENCE', async () => {
    const { accountId } = await accountWithThreeTickets();
    const answers = await proposeAtOnce(accountId, 5);
    const created = answers.filter((a) => a.status === 201);
    const numbers = created.map((a) => numberOf(a.body));
    expect(created.length).toBeGreaterThanOrEqual(4);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(answers.filter((a) => a.status !== 201).map((a) => a.body.code)).toEqual(
      answers.filter((a) => a.status !== 201).map(() => 'NO_FREE_SEQUENCE'),
    );
  }, 40_000);
});
