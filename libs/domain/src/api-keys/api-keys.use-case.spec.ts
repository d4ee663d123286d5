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
    expect((await d.authenticating.execute(key))!.id).toBe(record.id);
    expect(await d.authenticating.execute(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'))).toBeNull();
    expect(await d.authenticating.execute('Bearer nonsense')).toBeNull();
  });

  it('no longer authenticates a revoked key', async () => {
    const { record, key } = await d.issuingKey.execute({ name: 'ci', role: 'viewer' }, admin);
    const revoked = await d.revokingKey.execute(record.id, admin);
    expect(revoked.revokedAt).toEqual(d.clock.now());
    expect(await d.authenticating.execute(key)).toBeNull();
    expect(d.audit.of(record.id).map((e) => e.action)).toEqual(['api_key.created', 'api_key.revoked']);
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
