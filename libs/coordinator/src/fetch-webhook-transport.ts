import { WebhookTransport } from '@app/domain';

/**
 * Outbound webhooks over HTTP (Node's fetch): a POST with a time limit; redirects are not followed
 * (a 3xx is a failure, as Standard Webhooks senders treat it); the answer's body is not read.
 */
export class FetchWebhookTransport extends WebhookTransport {
  constructor(private readonly timeoutMs: number) {
    super();
  }

  async post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ statusCode: number } | { error: string }> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'user-agent': 'xrpl-multisign-coordinator-webhooks' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      return { statusCode: response.status };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const message = error instanceof Error ? error.message : String(error);
      return { error: cause ? `${cause}: ${message}` : message };
    }
  }
}
