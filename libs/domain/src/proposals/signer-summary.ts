import { xrpText } from '../policies/outflow';

/** Xaman shows at most 280 characters of `custom_meta.instruction`. */
export const MAX_INSTRUCTION_LENGTH = 280;

function amountText(amount: unknown): string | null {
  if (typeof amount === 'string') return `${xrpText(amount)} XRP`;
  if (amount && typeof amount === 'object') {
    const a = amount as { value?: unknown; currency?: unknown; issuer?: unknown };
    if (typeof a.value === 'string' && typeof a.currency === 'string') {
      return `${a.value} ${a.currency}${typeof a.issuer === 'string' ? ` (issuer ${a.issuer})` : ''}`;
    }
  }
  return null;
}

/**
 * What signers read first, generated from the prepared transaction (never from the proposer's
 * words): type, amount, destination and tag, fee, number. The proposer's note follows it.
 */
export function signerSummary(tx: Record<string, unknown>): string {
  const type = String(tx.TransactionType);
  const parts: string[] = [type];
  const amount = amountText(
    tx.Amount ?? tx.DeliverMax ?? (type === 'OfferCreate' ? tx.TakerGets : undefined),
  );
  if (amount) parts.push(type === 'OfferCreate' ? `selling ${amount}` : `of ${amount}`);
  if (type === 'OfferCreate') {
    const wanted = amountText(tx.TakerPays);
    if (wanted) parts.push(`for ${wanted}`);
  }
  if (type === 'TicketCreate' && tx.TicketCount !== undefined)
    parts.push(`of ${Number(tx.TicketCount)} tickets`);
  if (typeof tx.Destination === 'string') {
    parts.push(
      `to ${tx.Destination}${typeof tx.DestinationTag === 'number' ? ` (tag ${tx.DestinationTag})` : ''}`,
    );
  }
  let text = parts.join(' ');
  text += `, fee ${xrpText(typeof tx.Fee === 'string' ? tx.Fee : '0')} XRP`;
  return text;
}

/** The Xaman instruction: the generated summary, then the proposer's note, within Xaman's limit. */
export function signerInstruction(tx: Record<string, unknown>, note: string | null): string {
  const summary = signerSummary(tx);
  const full = note ? `${summary}. Proposer's note: ${note.replace(/\s+/g, ' ').trim()}` : summary;
  return full.length <= MAX_INSTRUCTION_LENGTH ? full : `${full.slice(0, MAX_INSTRUCTION_LENGTH - 1)}…`;
}
