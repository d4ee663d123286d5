import { createHmac, randomUUID } from 'node:crypto';
import { Wallet } from 'xrpl';
import { MultisigSetup } from '@app/sandbox';
import { FlowEnv, payment, startFlow } from './support/flow';

/**
 * Every malformed or forbidden request answers a 4xx with the error shape and a stable `code`, and
 * leaves every table exactly as it was (API keys' last_used_at may move; row counts may not).
 */
describe('bad input: stable 4xx codes and no side effects (REST API + both sandboxes + PostgreSQL)', () => {
  let env: FlowEnv;
  /** Registered, 2-of-3, two Tickets; never gets a proposal, so every refusal reaches prepare(). */
  let setupA: MultisigSetup;
  let accountA: string;
  /** Registered, 2-of-3; used for idempotency and cancellation. */
  let setupB: MultisigSetup;
  let accountB: string;
  let viewerKey: string;
  let proposerKey: string;
  let revokedKey: string;

  type Reply = Awaited<ReturnType<FlowEnv['call']>>;
  type CallOptions = { key?: string | null; headers?: Record<string, string> };

  /** Runs the request and checks the error answer and that no table gained or lost a row. */
  async function refused(
    status: number,
    code: string,
    method: string,
    path: string,
    body?: unknown,
    options?: CallOptions,
  ): Promise<Reply> {
    const before = await env.rowCounts();
    const res = await env.call(method, path, body, options);
    expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
    expect(res.body).toEqual({
      statusCode: status,
      code,
      message: expect.any(String),
      requestId: expect.any(String),
      ...(typeof res.body === 'object' && res.body !== null && 'details' in res.body
        ? { details: res.body.details }
        : {}),
    });
    expect(res.headers.get('x-request-id')).toBe(res.body.requestId);
    expect(await env.rowCounts()).toEqual(before);
    return res;
  }

  /**
   * For inputs that once answered 500 (found by this suite, fixed since): any 4xx with the error
   * shape and a stable code other than INTERNAL_ERROR, and no row changed.
   */
  async function refusedAs4xx(method: string, path: string, body?: unknown, options?: CallOptions) {
    const before = await env.rowCounts();
    const res = await env.call(method, path, body, options);
    expect(res.body).toMatchObject({ statusCode: res.status, code: expect.stringMatching(/^[A-Z_]+$/) });
    expect(res.body.code).not.toBe('INTERNAL_ERROR');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await env.rowCounts()).toEqual(before);
    return res;
  }

  const destination = Wallet.generate().classicAddress;

  beforeAll(async () => {
    env = await startFlow();
    [setupA, setupB] = await Promise.all([
      env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }], tickets: 2 }),
      env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] }),
    ]);
    accountA = await env.register(setupA);
    accountB = await env.register(setupB);
    const issue = async (name: string, role: string) => {
      const res = await env.call('POST', '/v1/api-keys', { name, role });
      if (res.status !== 201) throw new Error(`api key: ${JSON.stringify(res.body)}`);
      return res.body as { id: string; key: string };
    };
    viewerKey = (await issue('viewer', 'viewer')).key;
    proposerKey = (await issue('proposer', 'proposer')).key;
    const revoked = await issue('revoked', 'viewer');
    revokedKey = revoked.key;
    const revoke = await env.call('DELETE', `/v1/api-keys/${revoked.id}`);
    if (revoke.status !== 200) throw new Error(`revoke: ${JSON.stringify(revoke.body)}`);
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  // ------------------------------------------------------------------ POST /v1/accounts

  describe('POST /v1/accounts', () => {
    it.each([
      ['an empty body', {}],
      ['a missing address', { network: 'sandbox', label: 'x' }],
      ['a missing network', { address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh' }],
      [
        'an unknown field',
        { address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh', network: 'sandbox', owner: 'me' },
      ],
      ['a too short address', { address: 'rShort', network: 'sandbox' }],
      ['a number as address', { address: 12345, network: 'sandbox' }],
      [
        'an X-address (too long)',
        { address: 'X7AcgcsBL6XDcUb289X4mJ8djcdyKaB5hJDWMArnXr61cqZ', network: 'sandbox' },
      ],
      ['a malformed network name', { address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh', network: 'Moon Net' }],
      ['an empty label', { address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh', network: 'sandbox', label: '' }],
      ['an array body', [{ address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh', network: 'sandbox' }]],
    ])('%s: 400 VALIDATION_FAILED', async (_case, body) => {
      await refused(400, 'VALIDATION_FAILED', 'POST', '/v1/accounts', body);
    });

    it('a malformed address of the right length: 400 INVALID_ADDRESS', async () => {
      await refused(400, 'INVALID_ADDRESS', 'POST', '/v1/accounts', {
        address: 'r0OIl' + 'x'.repeat(25),
        network: 'sandbox',
      });
    });

    it('an address with a broken checksum: 400 INVALID_ADDRESS', async () => {
      const good = Wallet.generate().classicAddress;
      const last = good[good.length - 1]!;
      const broken = good.slice(0, -1) + (last === 'a' ? 'b' : 'a');
      const res = await refused(400, 'INVALID_ADDRESS', 'POST', '/v1/accounts', {
        address: broken,
        network: 'sandbox',
      });
      expect(res.body.details).toMatchObject({ address: broken });
    });

    it('a network this sandbox deployment does not serve ("mainnet"): 400 UNKNOWN_NETWORK', async () => {
      await refused(400, 'UNKNOWN_NETWORK', 'POST', '/v1/accounts', {
        address: setupA.account.address,
        network: 'mainnet',
      });
    });

    it('an address that is not on the ledger: 422 ACCOUNT_NOT_ON_LEDGER', async () => {
      await refused(422, 'ACCOUNT_NOT_ON_LEDGER', 'POST', '/v1/accounts', {
        address: Wallet.generate().classicAddress,
        network: 'sandbox',
      });
    });

    it('a funded account without a SignerList: 422 ACCOUNT_HAS_NO_SIGNER_LIST', async () => {
      const plain = Wallet.generate().classicAddress;
      await env.ledger.fund(plain, 50_000_000n);
      await refused(422, 'ACCOUNT_HAS_NO_SIGNER_LIST', 'POST', '/v1/accounts', {
        address: plain,
        network: 'sandbox',
      });
    });

    it('the same account twice: 409 ACCOUNT_ALREADY_REGISTERED', async () => {
      await refused(409, 'ACCOUNT_ALREADY_REGISTERED', 'POST', '/v1/accounts', {
        address: setupA.account.address,
        network: 'sandbox',
        label: 'again',
      });
    });

    it('malformed JSON: 400 MALFORMED_JSON', async () => {
      await refused(400, 'MALFORMED_JSON', 'POST', '/v1/accounts', '{"address": "r', {
        headers: { 'content-type': 'application/json' },
      });
    });

    it('a JSON body sent as text/plain is not read: 400 VALIDATION_FAILED', async () => {
      await refused(
        400,
        'VALIDATION_FAILED',
        'POST',
        '/v1/accounts',
        JSON.stringify({ address: setupA.account.address, network: 'sandbox' }),
        { headers: { 'content-type': 'text/plain' } },
      );
    });
  });

  // ------------------------------------------------------------------ PUT /v1/accounts/:id/signers/:address

  describe('PUT /v1/accounts/:id/signers/:address', () => {
    const token = () => randomUUID();

    it('a non-UUID account id: 400 VALIDATION_FAILED', async () => {
      await refused(
        400,
        'VALIDATION_FAILED',
        'PUT',
        `/v1/accounts/not-a-uuid/signers/${setupA.signers[0]!.address}`,
        {
          userToken: token(),
        },
      );
    });

    it('an unknown account id: 404 ACCOUNT_NOT_FOUND', async () => {
      await refused(
        404,
        'ACCOUNT_NOT_FOUND',
        'PUT',
        `/v1/accounts/${randomUUID()}/signers/${setupA.signers[0]!.address}`,
        {
          userToken: token(),
        },
      );
    });

    it('an address that is not in the SignerList: 404 SIGNER_NOT_FOUND', async () => {
      await refused(
        404,
        'SIGNER_NOT_FOUND',
        'PUT',
        `/v1/accounts/${accountA}/signers/${Wallet.generate().classicAddress}`,
        {
          label: 'stranger',
        },
      );
      // A signer of another registered account is not a signer of this one either.
      await refused(
        404,
        'SIGNER_NOT_FOUND',
        'PUT',
        `/v1/accounts/${accountA}/signers/${setupB.signers[0]!.address}`,
        {
          userToken: token(),
        },
      );
      await refused(404, 'SIGNER_NOT_FOUND', 'PUT', `/v1/accounts/${accountA}/signers/garbage`, {
        label: 'x',
      });
    });

    it.each([
      ['an empty body', {}],
      ['a malformed userToken', { userToken: 'not-a-token' }],
      ['a numeric userToken', { userToken: 42 }],
      ['an empty label', { label: '' }],
      ['an unknown field', { label: 'ok', weight: 5 }],
    ])('%s: 400 VALIDATION_FAILED', async (_case, body) => {
      await refused(
        400,
        'VALIDATION_FAILED',
        'PUT',
        `/v1/accounts/${accountA}/signers/${setupA.signers[0]!.address}`,
        body,
      );
    });

    it('malformed JSON: 400 MALFORMED_JSON', async () => {
      await refused(
        400,
        'MALFORMED_JSON',
        'PUT',
        `/v1/accounts/${accountA}/signers/${setupA.signers[0]!.address}`,
        '"x',
        {
          headers: { 'content-type': 'application/json' },
        },
      );
    });
  });

  // ------------------------------------------------------------------ POST /v1/proposals

  describe('POST /v1/proposals', () => {
    const pay = () => payment(destination, '1000000');

    it.each([
      ['a non-UUID accountId', () => ({ accountId: 'acct-1', txjson: pay() })],
      ['a missing accountId', () => ({ txjson: pay() })],
      ['a missing txjson', () => ({ accountId: accountA })],
      ['txjson as a string', () => ({ accountId: accountA, txjson: JSON.stringify(pay()) })],
      ['txjson as an array', () => ({ accountId: accountA, txjson: [pay()] })],
      ['txjson null', () => ({ accountId: accountA, txjson: null })],
      ['expiresInMinutes 0', () => ({ accountId: accountA, txjson: pay(), expiresInMinutes: 0 })],
      ['expiresInMinutes 43201', () => ({ accountId: accountA, txjson: pay(), expiresInMinutes: 43_201 })],
      ['expiresInMinutes "10"', () => ({ accountId: accountA, txjson: pay(), expiresInMinutes: '10' })],
      ['expiresInMinutes 1.5', () => ({ accountId: accountA, txjson: pay(), expiresInMinutes: 1.5 })],
      [
        'an instruction of 281 characters',
        () => ({ accountId: accountA, txjson: pay(), instruction: 'x'.repeat(281) }),
      ],
      ['an empty instruction', () => ({ accountId: accountA, txjson: pay(), instruction: '' })],
      ['an unknown field', () => ({ accountId: accountA, txjson: pay(), priority: 'high' })],
    ])('%s: 400 VALIDATION_FAILED', async (_case, body) => {
      await refused(400, 'VALIDATION_FAILED', 'POST', '/v1/proposals', body());
    });

    it('an unknown accountId: 404 ACCOUNT_NOT_FOUND', async () => {
      await refused(404, 'ACCOUNT_NOT_FOUND', 'POST', '/v1/proposals', {
        accountId: randomUUID(),
        txjson: pay(),
      });
    });

    it('malformed JSON: 400 MALFORMED_JSON', async () => {
      await refused(400, 'MALFORMED_JSON', 'POST', '/v1/proposals', `{"accountId":"${accountA}","txjson":{`, {
        headers: { 'content-type': 'application/json' },
      });
    });

    /** [what the template carries, the multisign code, the template]. */
    const refusedTemplates: [string, string, () => Record<string, unknown>][] = [
      [
        'Signers',
        'TEMPLATE_HAS_SIGNERS',
        () => ({
          ...pay(),
          Signers: [
            {
              Signer: {
                Account: setupA.signers[0]!.address,
                SigningPubKey: 'ED' + '11'.repeat(32),
                TxnSignature: 'AB'.repeat(64),
              },
            },
          ],
        }),
      ],
      ['TxnSignature', 'TEMPLATE_HAS_TXN_SIGNATURE', () => ({ ...pay(), TxnSignature: 'AB'.repeat(64) })],
      [
        'a non-empty SigningPubKey',
        'TEMPLATE_HAS_SIGNING_PUBKEY',
        () => ({ ...pay(), SigningPubKey: 'ED' + '11'.repeat(32) }),
      ],
      [
        'another Account',
        'TEMPLATE_ACCOUNT_MISMATCH',
        () => ({ ...pay(), Account: Wallet.generate().classicAddress }),
      ],
      ['a Fee of its own', 'TEMPLATE_FIELD_CONFLICT', () => ({ ...pay(), Fee: '1' })],
      [
        'a LastLedgerSequence of its own',
        'TEMPLATE_FIELD_CONFLICT',
        () => ({ ...pay(), LastLedgerSequence: 5 }),
      ],
      ['Sequence 0 without a TicketSequence', 'TEMPLATE_FIELD_CONFLICT', () => ({ ...pay(), Sequence: 0 })],
      ['an invalid Amount (not a number)', 'TEMPLATE_INVALID', () => ({ ...pay(), Amount: 'lots' })],
      ['an invalid Amount (negative)', 'TEMPLATE_INVALID', () => ({ ...pay(), Amount: '-5' })],
      ['an invalid Amount (a JSON number)', 'TEMPLATE_INVALID', () => ({ ...pay(), Amount: 1_000_000 })],
      [
        'an invalid Amount (beyond the XRP supply)',
        'TEMPLATE_INVALID',
        () => ({ ...pay(), Amount: '100000000000000000000' }),
      ],
      [
        'an invalid issued Amount',
        'TEMPLATE_INVALID',
        () => ({ ...pay(), Amount: { currency: 'USD', issuer: destination, value: 'y' } }),
      ],
      ['an invalid Destination', 'TEMPLATE_INVALID', () => ({ ...pay(), Destination: 'rNOPE' })],
      ['an unknown TransactionType', 'TEMPLATE_INVALID', () => ({ ...pay(), TransactionType: 'Teleport' })],
      ['no TransactionType', 'TEMPLATE_INVALID', () => ({ Destination: destination, Amount: '1' })],
      ['a null value', 'TEMPLATE_INVALID', () => ({ ...pay(), DestinationTag: null })],
      ['an unknown field', 'TEMPLATE_INVALID', () => ({ ...pay(), Bogus: 1 })],
      ['a lower-case field name', 'TEMPLATE_FIELD_DROPPED', () => ({ ...pay(), amount: '5' })],
      ['unconvertible Flags', 'TEMPLATE_INVALID', () => ({ ...pay(), Flags: 'abc' })],
      ['an empty object', 'TEMPLATE_INVALID', () => ({})],
    ];
    it.each(refusedTemplates)('a template with %s: 422 %s', async (_case, code, txjson) => {
      await refused(422, code, 'POST', '/v1/proposals', { accountId: accountA, txjson: txjson() });
    });

    it('a TicketSequence the account does not own: 422 TICKET_NOT_OWNED', async () => {
      const res = await refused(422, 'TICKET_NOT_OWNED', 'POST', '/v1/proposals', {
        accountId: accountA,
        txjson: { ...pay(), Sequence: 0, TicketSequence: 999_999 },
      });
      expect(res.body.details).toMatchObject({ ticketSequence: 999_999, owned: setupA.tickets });
    });

    it("a Sequence that is not the account's current one: 422 SEQUENCE_NOT_CURRENT", async () => {
      const current = env.ledger.getAccount(setupA.account.address)!.Sequence;
      const res = await refused(422, 'SEQUENCE_NOT_CURRENT', 'POST', '/v1/proposals', {
        accountId: accountA,
        txjson: { ...pay(), Sequence: current + 7 },
      });
      expect(res.body.details).toMatchObject({ requested: current + 7, current });
    });

    // Regression: createProposal once removed TicketSequence before prepare() saw it, so this
    // template answered TEMPLATE_FIELD_CONFLICT instead of rippled's temSEQ_AND_TICKET equivalent.
    it('a non-zero Sequence together with an owned TicketSequence: 422 TEMPLATE_SEQUENCE_AND_TICKET', async () => {
      const current = env.ledger.getAccount(setupA.account.address)!.Sequence;
      await refused(422, 'TEMPLATE_SEQUENCE_AND_TICKET', 'POST', '/v1/proposals', {
        accountId: accountA,
        txjson: { ...pay(), Sequence: current, TicketSequence: setupA.tickets[0] },
      });
    });

    it.each([
      ['with a space', 'bad key'],
      ['of 201 characters', 'k'.repeat(201)],
    ])('an Idempotency-Key %s: 400 VALIDATION_FAILED', async (_case, key) => {
      await refused(
        400,
        'VALIDATION_FAILED',
        'POST',
        '/v1/proposals',
        { accountId: accountB, txjson: pay() },
        {
          headers: { 'idempotency-key': key },
        },
      );
    });

    it('an Idempotency-Key replays the same body (200, Idempotent-Replayed) and refuses a different one (409)', async () => {
      const key = `bad-input-${randomUUID()}`;
      const body = { accountId: accountB, txjson: pay(), instruction: 'Idempotent payout' };
      const created = await env.call('POST', '/v1/proposals', body, { headers: { 'idempotency-key': key } });
      expect(created.status).toBe(201);
      expect(created.headers.get('idempotent-replayed')).toBeNull();

      // Same key, same body (keys in another order): the same proposal, nothing new.
      const before = await env.rowCounts();
      const replay = await env.call(
        'POST',
        '/v1/proposals',
        {
          instruction: body.instruction,
          txjson: { Amount: '1000000', Destination: destination, TransactionType: 'Payment' },
          accountId: accountB,
        },
        { headers: { 'idempotency-key': key } },
      );
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.id).toBe(created.body.id);
      expect(replay.body.preparedTx).toEqual(created.body.preparedTx);
      expect(await env.rowCounts()).toEqual(before);

      // Same key, another body: refused, nothing new.
      const res = await refused(
        409,
        'IDEMPOTENCY_KEY_REUSED',
        'POST',
        '/v1/proposals',
        { ...body, instruction: 'Another payout' },
        {
          headers: { 'idempotency-key': key },
        },
      );
      expect(res.body.details).toMatchObject({ proposalId: created.body.id });
      await refused(
        409,
        'IDEMPOTENCY_KEY_REUSED',
        'POST',
        '/v1/proposals',
        { ...body, txjson: payment(destination, '2') },
        {
          headers: { 'idempotency-key': key },
        },
      );

      // Cancel it, then cancelling again is refused.
      const cancelled = await env.call('POST', `/v1/proposals/${created.body.id}/cancel`, undefined, {
        key: proposerKey,
      });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.proposal.state).toBe('cancelled');
      const again = await refused(
        409,
        'PROPOSAL_NOT_CANCELLABLE',
        'POST',
        `/v1/proposals/${created.body.id}/cancel`,
      );
      expect(again.body.details).toEqual({ state: 'cancelled' });
    }, 20_000);
  });

  // ------------------------------------------------------------------ GET /v1/proposals, cancel

  describe('GET /v1/proposals and POST /v1/proposals/:id/cancel', () => {
    it.each([
      ['an unknown state', '?state=pending'],
      ['two states', '?state=collecting&state=expired'],
      ['limit 0', '?limit=0'],
      ['limit 101', '?limit=101'],
      ['limit abc', '?limit=abc'],
      ['limit 1.5', '?limit=1.5'],
      ['a non-UUID accountId', '?accountId=acct-1'],
      ['an empty cursor', '?cursor='],
      ['a cursor of 201 characters', `?cursor=${'a'.repeat(201)}`],
      ['an unknown query parameter', '?order=desc'],
    ])('%s: 400 VALIDATION_FAILED', async (_case, query) => {
      await refused(400, 'VALIDATION_FAILED', 'GET', `/v1/proposals${query}`);
    });

    it.each([
      ['not base64 of a cursor', 'nope'],
      ['a cursor without an id', Buffer.from('2026-01-01T00:00:00.000Z').toString('base64url')],
      ['a cursor with a non-UUID id', Buffer.from('2026-01-01T00:00:00.000Z|42').toString('base64url')],
      ['a cursor with a bad time', Buffer.from(`yesterday|${randomUUID()}`).toString('base64url')],
    ])('%s: 400 INVALID_CURSOR', async (_case, cursor) => {
      await refused(400, 'INVALID_CURSOR', 'GET', `/v1/proposals?cursor=${encodeURIComponent(cursor)}`);
    });

    it('a well-formed cursor and filters page normally', async () => {
      const cursor = Buffer.from(`2026-01-01T00:00:00.000Z|${randomUUID()}`).toString('base64url');
      const res = await env.call(
        'GET',
        `/v1/proposals?cursor=${cursor}&limit=5&state=collecting&accountId=${accountA}`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [], nextCursor: null });
    });

    it('GET /v1/proposals/:id with a non-UUID id: 400 VALIDATION_FAILED; an unknown id: 404 PROPOSAL_NOT_FOUND', async () => {
      await refused(400, 'VALIDATION_FAILED', 'GET', '/v1/proposals/not-a-uuid');
      await refused(404, 'PROPOSAL_NOT_FOUND', 'GET', `/v1/proposals/${randomUUID()}`);
    });

    it('cancel with a non-UUID id: 400 VALIDATION_FAILED; an unknown id: 404 PROPOSAL_NOT_FOUND', async () => {
      await refused(400, 'VALIDATION_FAILED', 'POST', '/v1/proposals/not-a-uuid/cancel');
      await refused(404, 'PROPOSAL_NOT_FOUND', 'POST', `/v1/proposals/${randomUUID()}/cancel`);
    });

    it('GET /v1/accounts/:id with a non-UUID id: 400; an unknown id: 404 ACCOUNT_NOT_FOUND; refresh likewise', async () => {
      await refused(400, 'VALIDATION_FAILED', 'GET', '/v1/accounts/not-a-uuid');
      await refused(404, 'ACCOUNT_NOT_FOUND', 'GET', `/v1/accounts/${randomUUID()}`);
      await refused(400, 'VALIDATION_FAILED', 'POST', '/v1/accounts/not-a-uuid/refresh');
      await refused(404, 'ACCOUNT_NOT_FOUND', 'POST', `/v1/accounts/${randomUUID()}/refresh`);
    });

    it('PUT /v1/accounts/:id/policy: malformed rules 400, an unknown account 404, nothing stored', async () => {
      const path = `/v1/accounts/${accountA}/policy`;
      await refused(400, 'VALIDATION_FAILED', 'PUT', path, { maxAmountDrops: 5 });
      await refused(400, 'VALIDATION_FAILED', 'PUT', path, { destinations: [{ address: 'nope' }] });
      await refused(400, 'VALIDATION_FAILED', 'PUT', path, {
        timeLock: { aboveDrops: '0', delaySeconds: 0 },
      });
      await refused(400, 'VALIDATION_FAILED', 'PUT', path, { windowLimits: [{ hours: 24 }] });
      await refused(400, 'VALIDATION_FAILED', 'PUT', path, { surprise: true });
      await refused(400, 'POLICY_INVALID', 'PUT', path, {
        windowLimits: [
          { hours: 24, maxDrops: '1' },
          { hours: 24, maxDrops: '2' },
        ],
      });
      await refused(404, 'ACCOUNT_NOT_FOUND', 'PUT', `/v1/accounts/${randomUUID()}/policy`, {});
      await refused(400, 'VALIDATION_FAILED', 'GET', '/v1/accounts/not-a-uuid/policy');
    });
  });

  // ------------------------------------------------------------------ auth

  describe('authentication and roles', () => {
    const routes = (): [string, string, unknown][] => [
      ['GET', '/v1/accounts', undefined],
      ['POST', '/v1/accounts', { address: setupA.account.address, network: 'sandbox' }],
      ['GET', `/v1/accounts/${accountA}`, undefined],
      ['POST', `/v1/accounts/${accountA}/refresh`, undefined],
      ['PUT', `/v1/accounts/${accountA}/signers/${setupA.signers[0]!.address}`, { label: 'x' }],
      ['POST', '/v1/proposals', { accountId: accountA, txjson: payment(destination, '1') }],
      ['GET', '/v1/proposals', undefined],
      ['GET', `/v1/proposals/${randomUUID()}`, undefined],
      ['POST', `/v1/proposals/${randomUUID()}/cancel`, undefined],
      ['POST', `/v1/proposals/${randomUUID()}/renew`, undefined],
      ['POST', `/v1/proposals/${randomUUID()}/invalidate-on-ledger`, undefined],
      ['GET', `/v1/accounts/${accountA}/policy`, undefined],
      ['GET', `/v1/accounts/${accountA}/policy/history`, undefined],
      ['PUT', `/v1/accounts/${accountA}/policy`, { maxAmountDrops: '1' }],
      ['GET', '/v1/api-keys', undefined],
      ['POST', '/v1/api-keys', { name: 'sneaky', role: 'admin' }],
      ['DELETE', `/v1/api-keys/${randomUUID()}`, undefined],
      // Refused before the body is even validated.
      ['POST', '/v1/proposals', { nonsense: true }],
    ];

    it('every /v1 route without a key: 401 UNAUTHENTICATED', async () => {
      for (const [method, path, body] of routes()) {
        await refused(401, 'UNAUTHENTICATED', method, path, body, { key: null });
      }
    });

    it('an unknown key, a revoked key or another scheme: 401 UNAUTHENTICATED', async () => {
      for (const [method, path, body] of routes()) {
        await refused(401, 'UNAUTHENTICATED', method, path, body, { key: 'msc_nothing_0123456789' });
        await refused(401, 'UNAUTHENTICATED', method, path, body, { key: revokedKey });
      }
      await refused(401, 'UNAUTHENTICATED', 'GET', '/v1/accounts', undefined, {
        key: null,
        headers: { authorization: `Basic ${Buffer.from(`x:${env.adminKey}`).toString('base64')}` },
      });
      await refused(401, 'UNAUTHENTICATED', 'GET', '/v1/accounts', undefined, {
        key: null,
        headers: { authorization: 'Bearer' },
      });
    });

    it('a viewer key may read but not write: 403 FORBIDDEN', async () => {
      expect((await env.call('GET', '/v1/proposals', undefined, { key: viewerKey })).status).toBe(200);
      expect((await env.call('GET', `/v1/accounts/${accountA}`, undefined, { key: viewerKey })).status).toBe(
        200,
      );
      await refused(
        403,
        'FORBIDDEN',
        'POST',
        '/v1/proposals',
        { accountId: accountA, txjson: payment(destination, '1') },
        {
          key: viewerKey,
        },
      );
      await refused(
        403,
        'FORBIDDEN',
        'POST',
        '/v1/accounts',
        { address: Wallet.generate().classicAddress, network: 'sandbox' },
        {
          key: viewerKey,
        },
      );
      await refused(403, 'FORBIDDEN', 'POST', `/v1/proposals/${randomUUID()}/cancel`, undefined, {
        key: viewerKey,
      });
      await refused(
        403,
        'FORBIDDEN',
        'PUT',
        `/v1/accounts/${accountA}/signers/${setupA.signers[0]!.address}`,
        {
          label: 'x',
        },
        { key: viewerKey },
      );
      await refused(
        403,
        'FORBIDDEN',
        'POST',
        '/v1/api-keys',
        { name: 'escalate', role: 'admin' },
        { key: viewerKey },
      );
    });

    it('a proposer key may not register accounts, refresh them or manage keys: 403 FORBIDDEN', async () => {
      const plain = Wallet.generate().classicAddress;
      await refused(
        403,
        'FORBIDDEN',
        'POST',
        '/v1/accounts',
        { address: plain, network: 'sandbox' },
        { key: proposerKey },
      );
      await refused(
        403,
        'FORBIDDEN',
        'POST',
        '/v1/accounts',
        { address: setupA.account.address, network: 'sandbox' },
        {
          key: proposerKey,
        },
      );
      await refused(403, 'FORBIDDEN', 'POST', `/v1/accounts/${accountA}/refresh`, undefined, {
        key: proposerKey,
      });
      await refused(
        403,
        'FORBIDDEN',
        'PUT',
        `/v1/accounts/${accountA}/signers/${setupA.signers[0]!.address}`,
        {
          userToken: randomUUID(),
        },
        { key: proposerKey },
      );
      await refused(
        403,
        'FORBIDDEN',
        'POST',
        '/v1/api-keys',
        { name: 'escalate', role: 'admin' },
        { key: proposerKey },
      );
      await refused(403, 'FORBIDDEN', 'GET', '/v1/api-keys', undefined, { key: proposerKey });
    });
  });

  // ------------------------------------------------------------------ POST /v1/webhooks/xaman

  describe('POST /v1/webhooks/xaman', () => {
    /** Xaman's signature, computed here independently of the service's code. */
    const sign = (timestamp: string, rawBody: string) =>
      createHmac('sha1', env.config.xaman.apiSecret.replace('-', ''))
        .update(timestamp + rawBody)
        .digest('hex');
    const now = () => String(Math.floor(Date.now() / 1000));
    const webhookBody = (payloadUuid: string) =>
      JSON.stringify({
        meta: {
          url: 'http://example.invalid',
          application_uuidv4: randomUUID(),
          payload_uuidv4: payloadUuid,
        },
        custom_meta: { identifier: null, blob: null, instruction: null },
        payloadResponse: { payload_uuidv4: payloadUuid, signed: true, user_token: false, txid: '' },
        userToken: null,
      });
    const post = (rawBody: string, headers: Record<string, string>) =>
      ({
        body: rawBody,
        options: { key: null, headers: { 'content-type': 'application/json', ...headers } },
      }) as const;

    it('without signature headers: 401 WEBHOOK_SIGNATURE_INVALID', async () => {
      const { body, options } = post(webhookBody(randomUUID()), {});
      await refused(401, 'WEBHOOK_SIGNATURE_INVALID', 'POST', '/v1/webhooks/xaman', body, options);
      const onlyTs = post(webhookBody(randomUUID()), { 'x-xumm-request-timestamp': now() });
      await refused(
        401,
        'WEBHOOK_SIGNATURE_INVALID',
        'POST',
        '/v1/webhooks/xaman',
        onlyTs.body,
        onlyTs.options,
      );
    });

    it('a wrong or malformed signature: 401 WEBHOOK_SIGNATURE_INVALID', async () => {
      const raw = webhookBody(randomUUID());
      const ts = now();
      for (const signature of [
        '0'.repeat(40),
        'not-hex',
        sign(ts, raw).toUpperCase(),
        sign(ts, raw) + '00',
      ]) {
        const { body, options } = post(raw, {
          'x-xumm-request-timestamp': ts,
          'x-xumm-request-signature': signature,
        });
        await refused(401, 'WEBHOOK_SIGNATURE_INVALID', 'POST', '/v1/webhooks/xaman', body, options);
      }
      // Keyed with every hyphen removed (not only the first): wrong.
      const allHyphens = createHmac('sha1', env.config.xaman.apiSecret.replace(/-/g, ''))
        .update(ts + raw)
        .digest('hex');
      if (allHyphens !== sign(ts, raw)) {
        const { body, options } = post(raw, {
          'x-xumm-request-timestamp': ts,
          'x-xumm-request-signature': allHyphens,
        });
        await refused(401, 'WEBHOOK_SIGNATURE_INVALID', 'POST', '/v1/webhooks/xaman', body, options);
      }
    });

    it('a valid signature over a different body, or for another timestamp: 401 WEBHOOK_SIGNATURE_INVALID', async () => {
      const ts = now();
      const signedRaw = webhookBody(randomUUID());
      const { body, options } = post(webhookBody(randomUUID()), {
        'x-xumm-request-timestamp': ts,
        'x-xumm-request-signature': sign(ts, signedRaw),
      });
      await refused(401, 'WEBHOOK_SIGNATURE_INVALID', 'POST', '/v1/webhooks/xaman', body, options);
      // Same bytes but re-serialised (whitespace): the HMAC is over the raw bytes.
      const spaced = JSON.stringify(JSON.parse(signedRaw), null, 2);
      const reformatted = post(spaced, {
        'x-xumm-request-timestamp': ts,
        'x-xumm-request-signature': sign(ts, signedRaw),
      });
      await refused(
        401,
        'WEBHOOK_SIGNATURE_INVALID',
        'POST',
        '/v1/webhooks/xaman',
        reformatted.body,
        reformatted.options,
      );
      const otherTs = post(signedRaw, {
        'x-xumm-request-timestamp': String(Number(ts) - 1),
        'x-xumm-request-signature': sign(ts, signedRaw),
      });
      await refused(
        401,
        'WEBHOOK_SIGNATURE_INVALID',
        'POST',
        '/v1/webhooks/xaman',
        otherTs.body,
        otherTs.options,
      );
    });

    it('a correctly signed webhook with a stale or future timestamp: 401 WEBHOOK_TIMESTAMP_STALE', async () => {
      const skew = env.config.xaman.webhookMaxSkewSeconds;
      for (const offset of [-(skew + 60), -86_400, skew + 60]) {
        const ts = String(Math.floor(Date.now() / 1000) + offset);
        const raw = webhookBody(randomUUID());
        const { body, options } = post(raw, {
          'x-xumm-request-timestamp': ts,
          'x-xumm-request-signature': sign(ts, raw),
        });
        await refused(401, 'WEBHOOK_TIMESTAMP_STALE', 'POST', '/v1/webhooks/xaman', body, options);
      }
    });

    it.each([
      ['no meta', JSON.stringify({ payloadResponse: { signed: true } })],
      ['meta without payload_uuidv4', JSON.stringify({ meta: { url: 'x' } })],
      ['a payload_uuidv4 that is not a UUID', JSON.stringify({ meta: { payload_uuidv4: 'abc' } })],
      ['a numeric payload_uuidv4', JSON.stringify({ meta: { payload_uuidv4: 12345 } })],
      ['an array body', JSON.stringify([{ meta: { payload_uuidv4: randomUUID() } }])],
    ])('correctly signed, with %s: 400 VALIDATION_FAILED', async (_case, raw) => {
      const ts = now();
      const { body, options } = post(raw, {
        'x-xumm-request-timestamp': ts,
        'x-xumm-request-signature': sign(ts, raw),
      });
      await refused(400, 'VALIDATION_FAILED', 'POST', '/v1/webhooks/xaman', body, options);
    });

    it('correctly signed but malformed JSON: 400 MALFORMED_JSON', async () => {
      const raw = '{"meta": {"payload_uuidv4": ';
      const ts = now();
      const { body, options } = post(raw, {
        'x-xumm-request-timestamp': ts,
        'x-xumm-request-signature': sign(ts, raw),
      });
      await refused(400, 'MALFORMED_JSON', 'POST', '/v1/webhooks/xaman', body, options);
    });

    it('a correctly signed webhook for an unknown payload: 200, one receipt and nothing else; its replay: 409 WEBHOOK_REPLAYED', async () => {
      const raw = webhookBody(randomUUID());
      const ts = now();
      const headers = { 'x-xumm-request-timestamp': ts, 'x-xumm-request-signature': sign(ts, raw) };
      const before = await env.rowCounts();
      const res = await env.call('POST', '/v1/webhooks/xaman', raw, {
        key: null,
        headers: { 'content-type': 'application/json', ...headers },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true, outcome: 'unknown' });
      const after = await env.rowCounts();
      expect(after.xaman_webhook_receipts).toBeLessThanOrEqual(before.xaman_webhook_receipts! + 1);
      expect({ ...after, xaman_webhook_receipts: 0 }).toEqual({ ...before, xaman_webhook_receipts: 0 });

      const { body, options } = post(raw, headers);
      await refused(409, 'WEBHOOK_REPLAYED', 'POST', '/v1/webhooks/xaman', body, options);
    });
  });
  // ------------------------------------------------------------------ regressions (once 500 instead of a 4xx)

  describe('inputs that once answered 500', () => {
    const json = { headers: { 'content-type': 'application/json' } };
    /** About 100 KB, under the 256 KB body limit: 20,000 nested objects. */
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);

    // Was: the global ValidationPipe (transform: true) runs class-transformer's recursive
    // plainToInstance over the whole body: a deeply nested value overflows the stack -> 500.
    it('a deeply nested unknown field in POST /v1/accounts: a 4xx, not 500', async () => {
      await refusedAs4xx(
        'POST',
        '/v1/accounts',
        `{"address":"${setupA.account.address}","network":"sandbox","extra":${deep}}`,
        json,
      );
    });

    it('a deeply nested txjson in POST /v1/proposals: a 4xx, not 500', async () => {
      const tx = JSON.stringify(payment(destination, '1')).slice(0, -1);
      await refusedAs4xx(
        'POST',
        '/v1/proposals',
        `{"accountId":"${accountA}","txjson":${tx},"Memos":${deep}}}`,
        json,
      );
    });

    // Was: CoordinationService.list accepts any time Date.parse() accepts; PostgreSQL refuses
    // timestamps before 4713 BC -> 500.
    it('a cursor whose time PostgreSQL cannot hold: 400 INVALID_CURSOR', async () => {
      const cursor = Buffer.from(`-271821-04-20T00:00:00.000Z|${randomUUID()}`).toString('base64url');
      await refused(400, 'INVALID_CURSOR', 'GET', `/v1/proposals?cursor=${cursor}`);
    });

    // Was: strings with U+0000 pass validation; PostgreSQL text/jsonb refuse them -> 500.
    it('a NUL character in an account label (POST /v1/accounts): a 4xx, not 500', async () => {
      const fresh = await env.setUp({ quorum: 1, signers: [{ weight: 1 }] });
      await refusedAs4xx('POST', '/v1/accounts', {
        address: fresh.account.address,
        network: 'sandbox',
        label: 'treasury\u0000',
      });
    }, 15_000);

    it('a NUL character in a signer label (PUT signers): a 4xx, not 500', async () => {
      await refusedAs4xx('PUT', `/v1/accounts/${accountA}/signers/${setupA.signers[1]!.address}`, {
        label: 'ops\u0000',
      });
    });

    it('a NUL character in a proposal instruction: a 4xx, not 500', async () => {
      await refusedAs4xx('POST', '/v1/proposals', {
        accountId: accountA,
        txjson: payment(destination, '1'),
        instruction: 'Pay\u0000now',
      });
    });

    it('a NUL character in an API key name: a 4xx, not 500', async () => {
      await refusedAs4xx('POST', '/v1/api-keys', { name: 'ops\u0000', role: 'viewer' });
    });

    // Was: the controller stores any integer X-Xumm-Attempt (a header the HMAC does not cover) in an
    // int4 column; out of range -> 500 (and the webhook is never processed).
    it('a correctly signed webhook with an out-of-range X-Xumm-Attempt: 200, not 500', async () => {
      const raw = JSON.stringify({ meta: { payload_uuidv4: randomUUID() } });
      const ts = String(Math.floor(Date.now() / 1000));
      const signature = createHmac('sha1', env.config.xaman.apiSecret.replace('-', ''))
        .update(ts + raw)
        .digest('hex');
      const res = await env.call('POST', '/v1/webhooks/xaman', raw, {
        key: null,
        headers: {
          'content-type': 'application/json',
          'x-xumm-request-timestamp': ts,
          'x-xumm-request-signature': signature,
          'x-xumm-attempt': '99999999999',
        },
      });
      expect({ status: res.status, body: res.body }).toEqual({
        status: 200,
        body: { received: true, outcome: 'unknown' },
      });
    });
  });
});
