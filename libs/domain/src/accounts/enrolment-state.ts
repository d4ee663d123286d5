import { SignerRecord } from '../records';

/** What a signer's enrolment shows: stored facts read against the clock and the warning window. */
export type EnrolmentState = 'none' | 'pending' | 'enrolled' | 'expiring' | 'expired';
export const ENROLMENT_STATES: readonly EnrolmentState[] = [
  'none',
  'pending',
  'enrolled',
  'expiring',
  'expired',
];

/**
 * `pending` while a SignIn payload is open; else by the token: none without one, `expired` once Xaman
 * says so or its expiry passed (requests go as sign link and QR: the signer must enrol again),
 * `expiring` with less than `warningMs` left, `enrolled` otherwise.
 */
export function enrolmentStateOf(
  signer: Pick<
    SignerRecord,
    'enrolmentState' | 'enrolmentExpiresAt' | 'userTokenCiphertext' | 'userTokenExpiresAt'
  >,
  now: Date,
  warningMs: number,
): EnrolmentState {
  if (
    signer.enrolmentState === 'pending' &&
    (!signer.enrolmentExpiresAt || signer.enrolmentExpiresAt > now)
  ) {
    return 'pending';
  }
  if (signer.userTokenCiphertext === null) return signer.enrolmentState === 'expired' ? 'expired' : 'none';
  if (signer.enrolmentState === 'expired') return 'expired';
  const expiresAt = signer.userTokenExpiresAt;
  if (expiresAt === null) return 'enrolled';
  if (expiresAt <= now) return 'expired';
  return expiresAt.getTime() - now.getTime() < warningMs ? 'expiring' : 'enrolled';
}

/** A token the service may push to: stored, not known to be expired. */
export function hasLiveToken(
  signer: Pick<SignerRecord, 'enrolmentState' | 'userTokenCiphertext' | 'userTokenExpiresAt'>,
  now: Date,
): boolean {
  return (
    signer.userTokenCiphertext !== null &&
    signer.enrolmentState !== 'expired' &&
    (signer.userTokenExpiresAt === null || signer.userTokenExpiresAt > now)
  );
}
