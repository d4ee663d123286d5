import { DomainError } from '../errors/domain.error';
import type { AccountFacts } from '../ports/ledger.port';
import { xrpText } from './outflow';

/** Types whose Destination must exist or be created by the transaction itself. */
const DESTINATION_TYPES = new Set([
  'Payment',
  'EscrowCreate',
  'CheckCreate',
  'PaymentChannelCreate',
  'AccountDelete',
]);

export interface PreflightInput {
  tx: Record<string, unknown>;
  xrpOutDrops: bigint;
  source: AccountFacts;
  /** The Destination's facts on the validated ledger, when the transaction has one. */
  destination: AccountFacts | null;
  reserveBaseDrops: number;
  reserveIncDrops: number;
  /** What the account's other open proposals may still send out (amounts and fees). */
  inFlight: { amountDrops: bigint; feeDrops: bigint };
}

/**
 * What the ledger would refuse or the account could not pay, checked before anyone is asked to sign:
 * an unfunded destination the amount cannot create, a destination that requires a tag or disallows
 * XRP, and a balance that cannot cover the amount, the fee and the reserve beside the proposals
 * already in flight. Pure; throws a DomainError naming the check.
 */
export function preflight(input: PreflightInput): void {
  const { tx, destination, xrpOutDrops } = input;
  const type = String(tx.TransactionType);
  if (destination !== null && DESTINATION_TYPES.has(type)) {
    const address = destination.address;
    const xrpPayment = type === 'Payment' && typeof (tx.Amount ?? tx.DeliverMax) === 'string';
    if (!destination.exists) {
      if (!xrpPayment || xrpOutDrops < BigInt(input.reserveBaseDrops)) {
        throw new DomainError(
          'PREFLIGHT_DESTINATION_UNFUNDED',
          xrpPayment
            ? `${address} does not exist, and ${xrpText(xrpOutDrops)} XRP is less than the ${xrpText(input.reserveBaseDrops)} XRP reserve that would create it.`
            : `${address} does not exist on the validated ledger.`,
          { destination: address, reserveBaseDrops: String(input.reserveBaseDrops) },
        );
      }
    } else {
      if (destination.requireDestTag && tx.DestinationTag === undefined && type !== 'AccountDelete') {
        throw new DomainError(
          'PREFLIGHT_DESTINATION_NEEDS_TAG',
          `${address} requires a DestinationTag (lsfRequireDestTag); add one.`,
          { destination: address },
        );
      }
      if (destination.disallowXRP && xrpPayment) {
        throw new DomainError(
          'PREFLIGHT_DESTINATION_DISALLOWS_XRP',
          `${address} does not accept XRP (lsfDisallowXRP).`,
          { destination: address },
        );
      }
    }
  }
  if (type === 'AccountDelete') return; // sends the whole balance by design
  const balance = BigInt(input.source.balanceDrops ?? '0');
  const reserve =
    BigInt(input.reserveBaseDrops) + BigInt(input.source.ownerCount) * BigInt(input.reserveIncDrops);
  const fee = BigInt(typeof tx.Fee === 'string' ? tx.Fee : '0');
  const needed = xrpOutDrops + fee + input.inFlight.amountDrops + input.inFlight.feeDrops;
  if (balance - reserve < needed) {
    throw new DomainError(
      'PREFLIGHT_INSUFFICIENT_BALANCE',
      `The balance of ${xrpText(balance)} XRP less the ${xrpText(reserve)} XRP reserve cannot cover ${xrpText(xrpOutDrops + fee)} XRP (amount and fee) beside the ${xrpText(input.inFlight.amountDrops + input.inFlight.feeDrops)} XRP of proposals in flight.`,
      {
        balanceDrops: balance.toString(),
        reserveDrops: reserve.toString(),
        amountDrops: xrpOutDrops.toString(),
        feeDrops: fee.toString(),
        inFlightDrops: (input.inFlight.amountDrops + input.inFlight.feeDrops).toString(),
      },
    );
  }
}
