import { buildDomain, Domain } from '../../test/fakes';
import { hashApiKey } from './api-key-secret';

const admin = { type: 'api_key' as const, id: 'admin-key-id' };

describe('API keys', () => {
  let d: Domain;

  beforeEach(() => {
    d = buildDomain();
  });

  it('issues a key whose secret is only in the answer; the store keeps its hash', async () => {
    const { record, key } = await d.issuingKey.execute({ name: 'ci', role: 'proposer' }, admin);
    expect(key).toMatch(/^msc_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({
      name: 'ci',
      role: 'proposer',
      createdBy: admin.id,
      keyPrefix: key.slice(4, 12),
    });
    expect(record.secretHash).toBe(hashApiKey(key));
    expect(JSON.stringify(d.apiKeys.keys.all())).not.toContain(key);
    expect(d.audit.of(record.id)).toMatchObject([{ action: 'api_key.created', actorId: admin.id }]);
  });

  it('authenticates the secret of an active key, and nothing else', async () => {
    const { record, key } = await d.issuingKey.execute({ name: 'ci', role: 'viewer' }, admin);
    expect(await d.authenticating.execute(key)).toMatchObject({
      outcome: 'authenticated',
      key: { id: record.id },
    });
    expect(await d.authenticating.execute(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'))).toEqual({
      outcome: 'unknown',
    });
    expect(await d.authenticating.execute('Bearer nonsense')).toEqual({ outcome: 'unknown' });
  });

  it('no longer authenticates a revoked key', async () => {
    const { record, key } = await d.issuingKey.execute({ name: 'ci', role: 'viewer' }, admin);
    const revoked = await d.revokingKey.execute(record.id, admin);
    expect(revoked.revokedAt).toEqual(d.clock.now());
    expect(await d.authenticating.execute(key)).toEqual({ outcome: 'unknown' });
    expect(d.audit.of(record.id).map((e) => e.action)).toEqual(['api_key.created', 'api_key.revoked']);
  });

  it('issues a key that never expires unless asked', async () => {
    const { record } = await d.issuingKey.execute({ name: 'ci', role: 'viewer' }, admin);
    expect(record.expiresAt).toBeNull();
  });

  it('authenticates a key until its expiry, then refuses it as expired without marking it used', async () => {
    const expiresAt = new Date(d.clock.now().getTime() + 3_600_000);
    const { record, key } = await d.issuingKey.execute({ name: 'ci', role: 'viewer', expiresAt }, admin);
    expect(record.expiresAt).toEqual(expiresAt);
    expect(d.audit.of(record.id)[0]!.details).toEqual({
      role: 'viewer',
      expiresAt: expiresAt.toISOString(),
      accountIds: null,
    });
    d.clock.advance(3_600_000 - 1);
    expect((await d.authenticating.execute(key)).outcome).toBe('authenticated');
    const usedAt = d.clock.now();
    d.clock.advance(1);
    expect(await d.authenticating.execute(key)).toEqual({ outcome: 'expired', expiredAt: expiresAt });
    d.clock.advance(120_000);
    expect(await d.authenticating.execute(key)).toEqual({ outcome: 'expired', expiredAt: expiresAt });
    expect((await d.apiKeys.findById(record.id))!.lastUsedAt).toEqual(usedAt);
  });

  it('turns expiresInDays into an expiry that many days from now', async () => {
    const { record } = await d.issuingKey.execute({ name: 'ci', role: 'viewer', expiresInDays: 30 }, admin);
    expect(record.expiresAt).toEqual(new Date(d.clock.now().getTime() + 30 * 86_400_000));
  });

  type Expiry = { expiresAt?: Date; expiresInDays?: number };
  const cases: [string, (now: Date) => Expiry, string][] = [
    ['an expiry in the past', () => ({ expiresAt: new Date(Date.UTC(2000, 0, 1)) }), 'expiresAt'],
    ['an expiry of now', (now) => ({ expiresAt: now }), 'expiresAt'],
    ['an invalid date', () => ({ expiresAt: new Date('nonsense') }), 'expiresAt'],
    [
      'both expiresAt and expiresInDays',
      (now) => ({ expiresAt: new Date(now.getTime() + 60_000), expiresInDays: 3 }),
      'expiresAt',
    ],
    ['zero days', () => ({ expiresInDays: 0 }), 'expiresInDays'],
    ['a fraction of a day', () => ({ expiresInDays: 1.5 }), 'expiresInDays'],
    ['more than ten years', () => ({ expiresInDays: 3651 }), 'expiresInDays'],
  ];
  it.each(cases)('refuses VALIDATION_FAILED for %s and stores no key', async (_what, expiry, field) => {
    const command = { name: 'ci', role: 'viewer' as const, ...expiry(d.clock.now()) };
    await expect(d.issuingKey.execute(command, admin)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { fields: [{ field }] },
    });
    expect(d.apiKeys.keys.size).toBe(0);
  });

  it('records when a key was last used at most once a minute', async () => {
    const { record, key } = await d.issuingKey.execute({ name: 'ci', role: 'viewer' }, admin);
    const first = d.clock.now();
    await d.authenticating.execute(key);
    d.clock.advance(30_000);
    await d.authenticating.execute(key);
    d.clock.advance(30_000);
    await d.authenticating.execute(key);
    expect(d.apiKeys.markUsedCalls).toBe(1);
    expect((await d.apiKeys.findById(record.id))!.lastUsedAt).toEqual(first);
    d.clock.advance(1);
    await d.authenticating.execute(key);
    expect(d.apiKeys.markUsedCalls).toBe(2);
    expect((await d.apiKeys.findById(record.id))!.lastUsedAt).toEqual(d.clock.now());
  });

  it('refuses API_KEY_SELF_REVOKE: a key cannot revoke itself', async () => {
    const { record } = await d.issuingKey.execute({ name: 'root', role: 'admin' }, admin);
    await expect(d.revokingKey.execute(record.id, { type: 'api_key', id: record.id })).rejects.toMatchObject({
      code: 'API_KEY_SELF_REVOKE',
    });
    expect((await d.apiKeys.findById(record.id))!.revokedAt).toBeNull();
  });

  it('refuses API_KEY_NOT_FOUND for an unknown key', async () => {
    await expect(d.revokingKey.execute('missing', admin)).rejects.toMatchObject({
      code: 'API_KEY_NOT_FOUND',
    });
  });

  it('refuses API_KEY_ALREADY_REVOKED for a key revoked before', async () => {
    const { record } = await d.issuingKey.execute({ name: 'ci', role: 'viewer' }, admin);
    await d.revokingKey.execute(record.id, admin);
    await expect(d.revokingKey.execute(record.id, admin)).rejects.toMatchObject({
      code: 'API_KEY_ALREADY_REVOKED',
    });
  });
});
