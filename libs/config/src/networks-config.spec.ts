import { ConfigError } from './config.errors';
import { loadConfig } from './load-config';

const VALID = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  XAMAN_API_KEY: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  XAMAN_API_SECRET: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
  TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
  XRPL_NETWORK: 'testnet',
};

/** The XRPL_NETWORKS problems of an environment (the error names the variable). */
function networkProblems(networks: unknown, env: Record<string, string> = {}): string[] {
  try {
    loadConfig({
      ...VALID,
      ...env,
      XRPL_NETWORKS: typeof networks === 'string' ? networks : JSON.stringify(networks),
    });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.every((p) => p.variable === 'XRPL_NETWORKS')).toBe(true);
    return problems.map((p) => p.problem);
  }
  throw new Error('expected a ConfigError');
}

describe('XRPL_NETWORKS', () => {
  it('serves only the default network when unset (XRPL_NETWORK, XRPL_URL)', () => {
    expect(loadConfig({ ...VALID, XRPL_URL: 'wss://t.example' }).xrpl.networks).toEqual([
      { name: 'testnet', url: 'wss://t.example', networkId: null, forceNetwork: 'TESTNET' },
    ]);
  });

  it('adds public and custom networks after the default, each with its force_network', () => {
    const config = loadConfig({
      ...VALID,
      XRPL_NETWORKS: JSON.stringify([
        { name: 'devnet', url: 'wss://d.example', networkId: 2 },
        { name: 'mycorp', url: 'ws://10.0.0.5:6006', networkId: 21337, forceNetwork: 'MYCORP' },
        { name: 'lab-2', url: 'wss://lab.example', networkId: 0 },
      ]),
    });
    expect(config.xrpl.networks).toEqual([
      {
        name: 'testnet',
        url: 'wss://s.altnet.rippletest.net:51233',
        networkId: null,
        forceNetwork: 'TESTNET',
      },
      { name: 'devnet', url: 'wss://d.example', networkId: 2, forceNetwork: 'DEVNET' },
      { name: 'mycorp', url: 'ws://10.0.0.5:6006', networkId: 21337, forceNetwork: 'MYCORP' },
      { name: 'lab-2', url: 'wss://lab.example', networkId: 0, forceNetwork: null },
    ]);
  });

  it('refuses what is not a JSON array', () => {
    expect(networkProblems('not json')).toEqual([expect.stringContaining('JSON array')]);
    expect(networkProblems({ name: 'mycorp' })).toEqual([expect.stringContaining('JSON array')]);
    expect(networkProblems(['mycorp'])).toEqual(['entry 0 must be an object']);
  });

  it('refuses names outside [a-z][a-z0-9-]{1,30}', () => {
    for (const name of ['MyCorp', 'x', '1net', 'my_corp', 'a'.repeat(32), 42, undefined]) {
      expect(networkProblems([{ name, url: 'wss://x.example', networkId: 5 }])).toEqual([
        expect.stringContaining('name must match'),
      ]);
    }
  });

  it('refuses a name listed twice, or the default network again', () => {
    const entry = { name: 'mycorp', url: 'wss://x.example', networkId: 5 };
    expect(networkProblems([entry, entry])).toEqual([expect.stringContaining('listed twice')]);
    expect(networkProblems([{ ...entry, name: 'testnet' }])).toEqual([
      expect.stringContaining('listed twice'),
    ]);
  });

  it('refuses a URL that is not ws or wss', () => {
    for (const url of ['https://x.example', 'not a url', undefined, 7]) {
      expect(networkProblems([{ name: 'mycorp', url, networkId: 5 }])).toEqual([
        expect.stringContaining('url must be a ws or wss URL'),
      ]);
    }
  });

  it('refuses a networkId that is not a whole number from 0', () => {
    for (const networkId of [-1, 1.5, '21337', undefined, null, 2 ** 32]) {
      expect(networkProblems([{ name: 'mycorp', url: 'wss://x.example', networkId }])).toEqual([
        expect.stringContaining('networkId must be a whole number'),
      ]);
    }
  });

  it('refuses a forceNetwork that is not an uppercase Xaman network key', () => {
    for (const forceNetwork of ['mycorp', '', 3, null]) {
      expect(
        networkProblems([{ name: 'mycorp', url: 'wss://x.example', networkId: 5, forceNetwork }]),
      ).toEqual([expect.stringContaining('forceNetwork must be')]);
    }
  });

  it('refuses unknown keys', () => {
    expect(networkProblems([{ name: 'mycorp', url: 'wss://x.example', networkId: 5, id: 1 }])).toEqual([
      expect.stringContaining('unknown keys: id'),
    ]);
  });

  it('serves the sandbox network only in SANDBOX_MODE, and once', () => {
    const sandbox = { name: 'sandbox', url: 'ws://127.0.0.1:6006', networkId: 0 };
    expect(networkProblems([sandbox])).toEqual([expect.stringContaining('only for SANDBOX_MODE')]);
    const inSandbox = { XRPL_NETWORK: 'sandbox', SANDBOX_MODE: 'true', XRPL_URL: 'ws://127.0.0.1:6005' };
    expect(
      loadConfig({
        ...VALID,
        ...inSandbox,
        XRPL_NETWORKS: JSON.stringify([{ name: 'sandbox2', url: 'ws://127.0.0.1:6006', networkId: 21337 }]),
      }).xrpl.networks.map((n) => [n.name, n.forceNetwork]),
    ).toEqual([
      ['sandbox', null],
      ['sandbox2', null],
    ]);
    // In SANDBOX_MODE the default network is the sandbox: listing it again is refused.
    expect(networkProblems([sandbox], inSandbox)).toEqual([expect.stringContaining('listed twice')]);
  });

  it('names every bad entry at once', () => {
    expect(
      networkProblems([
        { name: 'ok-one', url: 'https://x.example', networkId: 5 },
        { name: 'ok-two', url: 'wss://x.example', networkId: -5 },
      ]),
    ).toEqual([
      expect.stringContaining('entry 0 (ok-one): url'),
      expect.stringContaining('entry 1 (ok-two): networkId'),
    ]);
  });
});
