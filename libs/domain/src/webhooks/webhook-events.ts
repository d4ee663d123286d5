import { PROPOSAL_STATES, REQUEST_STATES } from '../state/proposal-state';

/**
 * Every event an integrator can subscribe to (outbound webhooks). The type names are the contract:
 * - `proposal.<state>`: a proposal entered that state (`proposal.created` when it is stored);
 * - `signature_request.<state>`: a signer's request entered that state;
 * - `signature.accepted` / `signature.refused`: a signed blob counted, or was refused with a code;
 * - `account.registered`, `account.refreshed`, `account.signer_list_changed`;
 * - `signer.token_expiring`, `account.outside_transaction`: defined here for the token-expiry
 *   warnings and the spends made outside the service; nothing emits them yet.
 */
export const WEBHOOK_EVENT_TYPES = [
  'proposal.created',
  ...PROPOSAL_STATES.map((state) => `proposal.${state}` as const),
  ...REQUEST_STATES.filter((state) => state !== 'queued').map(
    (state) => `signature_request.${state}` as const,
  ),
  'signature.accepted',
  'signature.refused',
  'account.registered',
  'account.refreshed',
  'account.signer_list_changed',
  'account.outside_transaction',
  'signer.token_expiring',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const KNOWN = new Set<string>(WEBHOOK_EVENT_TYPES);
const GROUPS = new Set(WEBHOOK_EVENT_TYPES.map((type) => type.split('.')[0]!));

export function isWebhookEventType(type: string): type is WebhookEventType {
  return KNOWN.has(type);
}

/** A subscription filter: `*`, a group wildcard (`proposal.*`) or an exact event type. */
export function isValidEventPattern(pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return GROUPS.has(pattern.slice(0, -2));
  return KNOWN.has(pattern);
}

/** The filters that select `type`: a subscription wants the event when it lists any of them. */
export function patternsMatching(type: WebhookEventType): string[] {
  return ['*', `${type.split('.')[0]!}.*`, type];
}

export function eventMatches(patterns: readonly string[], type: WebhookEventType): boolean {
  const wanted = patternsMatching(type);
  return patterns.some((pattern) => wanted.includes(pattern));
}

/** One event as the outbox stores it; deliveries go out in `orderingKey` order (a proposal, an account). */
export interface NewWebhookEvent {
  type: WebhookEventType;
  /** Events with the same key are delivered in the order they were emitted. */
  orderingKey: string;
  /** The filters that select it (`patternsMatching`), so the outbox fans it out without rules of its own. */
  patterns: string[];
  data: Record<string, unknown>;
  occurredAt: Date;
}

export function webhookEvent(
  type: WebhookEventType,
  orderingKey: string,
  data: Record<string, unknown>,
  occurredAt: Date,
): NewWebhookEvent {
  return { type, orderingKey, patterns: patternsMatching(type), data, occurredAt };
}
