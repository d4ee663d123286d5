import { buildDomain, Domain } from '../../test/fakes';
import { hashSessionSecret } from './session-secret';

const admin = { type: 'api_key' as const, id: 'admin-key-id' };

describe('Console sessions', () => {
  let d: Domain;

  beforeEach(() => {
    d = buildDomain();
  });

  it('exchanges an active API key for a session whose secret is only in the answer', async () => {
    const { record, key } = await d.issuingKey.execute({ name: 'ops', role: 'proposer' }, admin);
    const started = await d.startingSession.execute(key, 'req-1');
    expect(started.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.session).toMatchObject({ apiKeyId: record.id, role: 'proposer', revokedAt: null });
    expect(started.session.expiresAt.getTime() - d.clock.now().getTime()).toBe(60 * 60_000);
    expect(started.session.secretHash).toBe(hashSessionSecret(started.secret));
    const stored = JSON.stringify(d.sessions.sessions.all());
    expect(stored).not.toContain(started.secret);
    expect(stored).not.toContain(key);
    expect(d.audit.of(started.session.id)).toMatchObject([
      { action: 'session.started', actorId: record.id, requestId: 'req-1' },
    ]);
  });

  it('refuses an unknown or revoked key and stores no session', async () => {
    const { record, key } = await d.issuingKey.execute({ name: 'ops', role: 'viewer' }, admin);
    await d.revokingKey.execute(record.id, admin);
    await expect(d.startingSession.execute(key, null)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(d.startingSession.execute('msc_nope', null)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(d.sessions.sessions.size).toBe(0);
  });

  it('authenticates the secret until the session expires, and not a moment after', async () => {
    const { key } = await d.issuingKey.execute({ name: 'ops', role: 'viewer' }, admin);
    const { secret, session } = await d.startingSession.execute(key, null);
    expect((await d.authenticatingSession.execute(secret))!.session.id).toBe(session.id);
    expect((await d.authenticatingSession.execute(secret))!.key.role).toBe('viewer');
    d.clock.advance(60 * 60_000 - 1);
    expect(await d.authenticatingSession.execute(secret)).not.toBeNull();
    d.clock.advance(1);
    expect(await d.authenticatingSession.execute(secret)).toBeNull();
  });

  it('does not authenticate another secret, a malformed one, or the API key itself', async () => {
    const { key } = await d.issuingKey.execute({ name: 'ops', role: 'viewer' }, admin);
    const { secret } = await d.startingSession.execute(key, null);
    expect(
      await d.authenticatingSession.execute(secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A')),
    ).toBeNull();
    expect(await d.authenticatingSession.execute('')).toBeNull();
    expect(await d.authenticatingSession.execute(key)).toBeNull();
  });

  it('signing out revokes the session at once, once', async () => {
    const { record, key } = await d.issuingKey.execute({ name: 'ops', role: 'admin' }, admin);
    const { secret, session } = await d.startingSession.execute(key, null);
    const actor = { type: 'api_key' as const, id: record.id };
    await d.endingSession.execute(session.id, actor);
    await d.endingSession.execute(session.id, actor);
    expect(await d.authenticatingSession.execute(secret)).toBeNull();
    expect(d.audit.of(session.id).map((e) => e.action)).toEqual(['session.started', 'session.ended']);
  });

  it('revoking the API key ends its sessions', async () => {
    const { record, key } = await d.issuingKey.execute({ name: 'ops', role: 'proposer' }, admin);
    const { secret } = await d.startingSession.execute(key, null);
    await d.revokingKey.execute(record.id, admin);
    expect(await d.authenticatingSession.execute(secret)).toBeNull();
  });
});
