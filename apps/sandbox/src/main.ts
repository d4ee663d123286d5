import { loadSandboxConfig, readProcessEnv } from '@app/config';
import { runProcess } from '../../shared/run-process';
import { startSandboxes } from './start-sandboxes';

/** `npm run sandbox`: the two offline stand-ins alone, for rehearsals against a separately run service. */
runProcess('sandbox', async () => {
  const config = loadSandboxConfig(readProcessEnv());
  const sandboxes = await startSandboxes(config);
  const lines = [
    '',
    '  *** OFFLINE SANDBOXES — not Xaman, not the XRP Ledger ***',
    `  Ledger sandbox (rippled API v2):  ${sandboxes.ledger.url}   (closes a ledger every ${config.ledgerCloseIntervalMs} ms)`,
    `  Ledger faults (HTTP, same port):   ${sandboxes.ledger.url.replace(/^ws/, 'http')}/sandbox/faults   (GET, PUT {"dropSubmits":true}, POST …/reset)`,
    `  Xaman sandbox (platform API):     ${sandboxes.xaman.url}   (control API under /sandbox)`,
    `  Xaman credentials:                XAMAN_API_KEY=${sandboxes.xaman.apiKey} XAMAN_API_SECRET=${sandboxes.xaman.apiSecret}`,
    `  Webhooks to:                      ${config.xamanWebhookUrl ?? '(none: set XAMAN_WEBHOOK_URL)'}`,
    `  Simulated phones:                 ${config.autoSign} ${config.autoSign === 'ignore' ? '' : `after ${config.autoSignDelayMs} ms`} when a payload is pushed`,
    '',
  ];
  return { message: lines.join('\n'), stop: () => sandboxes.close() };
});
