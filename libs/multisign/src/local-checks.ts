import { encode } from 'ripple-binary-codec';
import { MultisignError } from './multisign.errors';

/** rippled `isMemoOkay`: the serialized Memos array may not exceed 1 KB. */
export const MAX_MEMOS_BYTES = 1024;
const TF_PARTIAL_PAYMENT = 0x00020000;

/**
 * rippled's local checks (preflight) that xrpl.js `validate()` does not make, so a template that
 * would be refused at submission is refused before anyone signs it. `tx` is the prepared JSON with
 * numeric Flags.
 */
export function localChecks(tx: Record<string, unknown>): void {
  if (tx.Memos !== undefined) {
    let size: number;
    try {
      // The array as rippled serializes it, without the one-byte field header of `Memos` itself.
      size = encode({ Memos: tx.Memos }).length / 2 - 1;
    } catch (error) {
      throw new MultisignError('TEMPLATE_INVALID', `Memos do not encode: ${(error as Error).message}`, {
        field: 'Memos',
      });
    }
    if (size > MAX_MEMOS_BYTES) {
      throw new MultisignError(
        'TEMPLATE_MEMO_TOO_LARGE',
        `Memos serialize to ${size} bytes; rippled refuses more than ${MAX_MEMOS_BYTES}`,
        { bytes: size, maxBytes: MAX_MEMOS_BYTES },
      );
    }
  }
  if (tx.TransactionType !== 'Payment') return;
  const amount = tx.Amount ?? tx.DeliverMax;
  const xrpToXrp = typeof amount === 'string' && (tx.SendMax === undefined || typeof tx.SendMax === 'string');
  if (!xrpToXrp) return;
  if (tx.Destination === tx.Account) {
    throw new MultisignError(
      'TEMPLATE_PAYMENT_TO_SELF',
      'an XRP payment to the account itself (temREDUNDANT)',
    );
  }
  if (typeof tx.Flags === 'number' && (tx.Flags & TF_PARTIAL_PAYMENT) !== 0) {
    throw new MultisignError(
      'TEMPLATE_XRP_PARTIAL_PAYMENT',
      'tfPartialPayment on an XRP-to-XRP payment (temBAD_SEND_XRP_PARTIAL)',
      { field: 'Flags' },
    );
  }
  if (tx.SendMax !== undefined) {
    throw new MultisignError(
      'TEMPLATE_XRP_SENDMAX',
      'SendMax on an XRP-to-XRP payment (temBAD_SEND_XRP_MAX)',
      {
        field: 'SendMax',
      },
    );
  }
}
