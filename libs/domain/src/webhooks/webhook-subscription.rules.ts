import { DomainError } from '../errors/domain.error';
import { isValidEventPattern } from './webhook-events';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

/** An absolute http(s) URL without credentials in it. */
export function checkWebhookUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DomainError('INVALID_WEBHOOK_URL', 'The webhook URL is not a valid absolute URL.', { url });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new DomainError('INVALID_WEBHOOK_URL', 'The webhook URL must be http or https.', { url });
  }
  if (parsed.username || parsed.password) {
    throw new DomainError('INVALID_WEBHOOK_URL', 'The webhook URL must not carry credentials.', {});
  }
  return parsed.toString();
}

/** At least one filter, each `*`, `<group>.*` or a known event type; duplicates dropped. */
export function checkEventFilters(events: readonly string[]): string[] {
  const invalid = events.filter((pattern) => !isValidEventPattern(pattern));
  if (events.length === 0 || invalid.length > 0) {
    throw new DomainError(
      'INVALID_EVENT_FILTER',
      events.length === 0
        ? 'Name at least one event filter ("*" for every event).'
        : `Unknown event filters: ${invalid.join(', ')}.`,
      { invalid },
    );
  }
  return [...new Set(events)];
}
