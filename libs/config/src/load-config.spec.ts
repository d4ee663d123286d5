import { ConfigError } from './config.errors';
import { loadConfig } from './load-config';

const VALID = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  XAMAN_API_KEY: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  XAMAN_API_SECRET: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
  TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).variables;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('accepts a complete production environment and fills documented defaults', () => {
    const config = loadConfig(VALID);
    expect(config.http).toEqual({
      host: '127.0.0.1',
      port: 3000,
      rateLimitPerMinute: 600,
      proposalRateLimitPerMinute: 10,
    });
    expect(config.log).toEqual({ level: 'info', format: 'json' });
    expect(config.xrpl).toEqual({
      network: 'mainnet',
      url: 'wss://xrplcluster.com',
      networks: [{ name: 'mainnet', url: 'wss://xrplcluster.com', networkId: null, forceNetwork: 'MAINNET' }],
      minSecondsPerLedger: 3,
      requestTimeoutMs: 20_000,
      feeCushion: 1.2,
      maxFeeDrops: 1_000_000,
    });
    expect(config.xaman.endpoint).toBe('https://xumm.app');
    expect(config.security.tokenEncryptionKey).toHaveLength(32);
    expect(config.sandbox).toBe(false);
  });

  it('names every missing required variable at once', () => {
    expect(problemsOf({})).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'XAMAN_API_KEY', 'XAMAN_API_SECRET', 'TOKEN_ENCRYPTION_KEY']),
    );
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x@y/z'],
    ['DATABASE_URL', 'not a url'],
    ['XRPL_NETWORK', 'moonnet'],
    ['XRPL_URL', 'http://127.0.0.1:6006'],
    ['XAMAN_API_KEY', 'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA'],
    ['XAMAN_ENDPOINT', 'ftp://xumm.app'],
    ['TOKEN_ENCRYPTION_KEY', 'tooshort'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_FORMAT', 'xml'],
    ['WORKER_TICK_MS', '5'],
    ['SANDBOX_MODE', 'maybe'],
    ['XRPL_FEE_CUSHION', '0.5'],
    ['XAMAN_POLL_INTERVAL_MS', 'often'],
  ])('refuses a bad %s (%s) and names it', (variable, value) => {
    expect(problemsOf({ ...VALID, [variable]: value })).toContain(variable);
  });

  it('never lets a production network run in sandbox mode, nor the sandbox network outside it', () => {
    expect(problemsOf({ ...VALID, SANDBOX_MODE: 'true' })).toContain('XRPL_NETWORK');
    expect(problemsOf({ ...VALID, XRPL_NETWORK: 'sandbox', XRPL_URL: 'ws://127.0.0.1:6006' })).toContain(
      'XRPL_NETWORK',
    );
    const sandbox = loadConfig({
      ...VALID,
      XRPL_NETWORK: 'sandbox',
      SANDBOX_MODE: 'true',
      XRPL_URL: 'ws://127.0.0.1:6006',
    });
    expect(sandbox.sandbox).toBe(true);
  });

  it('refuses rate limits that are not whole numbers of at least 1', () => {
    expect(
      problemsOf({ ...VALID, RATE_LIMIT_PER_MINUTE: '0', PROPOSAL_RATE_LIMIT_PER_MINUTE: '2.5' }),
    ).toEqual(['RATE_LIMIT_PER_MINUTE', 'PROPOSAL_RATE_LIMIT_PER_MINUTE']);
    expect(
      loadConfig({ ...VALID, PROPOSAL_RATE_LIMIT_PER_MINUTE: '3' }).http.proposalRateLimitPerMinute,
    ).toBe(3);
  });

  it('has no default XRPL URL for the sandbox network', () => {
    expect(problemsOf({ ...VALID, XRPL_NETWORK: 'sandbox', SANDBOX_MODE: 'true' })).toContain('XRPL_URL');
  });

  it('accepts the encryption key as base64 too', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ ...VALID, TOKEN_ENCRYPTION_KEY: key }).security.tokenEncryptionKey).toEqual(
      Buffer.alloc(32, 7),
    );
  });

  it('says what is wrong in the message', () => {
    expect(() => loadConfig({ ...VALID, PORT: 'x' })).toThrow(/PORT: must be a whole number/);
  });
});
