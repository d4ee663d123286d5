/** The XRP (drops) a transaction can send out of the account, by type; 0 when it sends none. */
export function xrpOutflowOf(tx: Record<string, unknown>): bigint {
  const drops = (value: unknown): bigint =>
    typeof value === 'string' && /^[0-9]+$/.test(value) ? BigInt(value) : 0n;
  switch (tx.TransactionType) {
    case 'Payment':
      // XRP delivered, or XRP spent on a cross-currency payment (SendMax).
      return typeof (tx.Amount ?? tx.DeliverMax) === 'string'
        ? drops(tx.Amount ?? tx.DeliverMax)
        : drops(tx.SendMax);
    case 'OfferCreate':
      return drops(tx.TakerGets);
    case 'EscrowCreate':
    case 'PaymentChannelCreate':
      return drops(tx.Amount);
    case 'PaymentChannelFund':
      return drops(tx.Amount);
    case 'CheckCreate':
      return drops(tx.SendMax);
    default:
      return 0n;
  }
}

/** XRP amounts of a transaction in drops, for people: 900000000 -> "900", 36 -> "0.000036". */
export function xrpText(drops: bigint | string | number): string {
  const value = BigInt(drops);
  const whole = value / 1_000_000n;
  const fraction = (value % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}
