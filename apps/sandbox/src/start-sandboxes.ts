import { SandboxConfig } from '@app/config';
import { LedgerSandbox, startLedgerSandbox, startXamanSandbox, XamanSandbox } from '@app/sandbox';

export interface RunningSandboxes {
  ledger: LedgerSandbox;
  xaman: XamanSandbox;
  close(): Promise<void>;
}

/** Both offline stand-ins, as `npm start` and `npm run sandbox` run them. SANDBOX ONLY. */
export async function startSandboxes(config: SandboxConfig): Promise<RunningSandboxes> {
  const ledger = await startLedgerSandbox({
    host: config.host,
    port: config.ledgerPort,
    closeIntervalMs: config.ledgerCloseIntervalMs,
    networkId: config.ledgerNetworkId,
  });
  let xaman: XamanSandbox;
  try {
    xaman = await startXamanSandbox({
      host: config.host,
      port: config.xamanPort,
      webhookUrl: config.xamanWebhookUrl,
      rateLimitPerMinute: config.xamanRateLimit,
      defaultBehaviour: { action: config.autoSign, delayMs: config.autoSignDelayMs },
      nodeUri: ledger.url,
      networkId: config.ledgerNetworkId,
      ...(config.xamanApiKey ? { apiKey: config.xamanApiKey } : {}),
      ...(config.xamanApiSecret ? { apiSecret: config.xamanApiSecret } : {}),
    });
  } catch (error) {
    await ledger.close();
    throw error;
  }
  return {
    ledger,
    xaman,
    async close() {
      await xaman.close();
      await ledger.close();
    },
  };
}
