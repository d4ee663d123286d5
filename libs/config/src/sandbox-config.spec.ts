import { ConfigError } from './config.errors';
import { loadSandboxConfig } from './sandbox-config';

describe('loadSandboxConfig: Xaman credentials', () => {
  it('takes XAMAN_API_KEY and XAMAN_API_SECRET when given', () => {
    const config = loadSandboxConfig({
      XAMAN_API_KEY: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
      XAMAN_API_SECRET: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd',
    });
    expect(config.xamanApiKey).toBe('cccccccc-cccc-4ccc-8ccc-cccccccccccc');
    expect(config.xamanApiSecret).toBe('dddddddd-dddd-4ddd-8ddd-dddddddddddd');
  });

  it('leaves them to the sandbox defaults when unset or empty', () => {
    const config = loadSandboxConfig({ XAMAN_API_KEY: '', XAMAN_API_SECRET: undefined });
    expect(config.xamanApiKey).toBeNull();
    expect(config.xamanApiSecret).toBeNull();
  });

  it('refuses credentials Xaman would never issue, naming each', () => {
    let error: unknown;
    try {
      loadSandboxConfig({
        XAMAN_API_KEY: 'CCCCCCCC-CCCC-4CCC-8CCC-CCCCCCCCCCCC',
        XAMAN_API_SECRET: 'secret',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['XAMAN_API_KEY', 'XAMAN_API_SECRET']);
  });
});
