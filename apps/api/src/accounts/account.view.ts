import {
  accountHealth,
  AccountWithSigners,
  EnrolmentState,
  enrolmentStateOf,
  HealthWarning,
  OutsideTransactionRecord,
} from '@app/domain';

/** What the account routes answer: the SignerList snapshot and each listed signer (never a token). */
export interface AccountView {
  id: string;
  network: string;
  address: string;
  label: string | null;
  signerList: { quorum: number; ledgerIndex: number; readAt: Date };
  /**
   * What makes the account weak (from the stored snapshot, its Delegate objects and the transactions
   * it sent outside the service recently): see README, Account health.
   */
  health: HealthWarning[];
  signers: {
    address: string;
    weight: number;
    label: string | null;
    inSignerList: boolean;
    hasUserToken: boolean;
    userTokenExpiresAt: Date | null;
    /** none, pending, enrolled, expiring or expired; `needsEnrolment` when no token can be pushed to. */
    enrolment: {
      state: EnrolmentState;
      needsEnrolment: boolean;
      payloadUuid: string | null;
      signLink: string | null;
      qrPng: string | null;
      expiresAt: Date | null;
      enrolledAt: Date | null;
      refusalCode: string | null;
      refusalReason: string | null;
    };
    keyFacts: { funded: boolean; masterDisabled: boolean; regularKey: string | null; ledgerIndex: number };
  }[];
  createdAt: Date;
  updatedAt: Date;
}

/** `now` and the warning window decide `expiring` and `expired`. */
export interface EnrolmentClock {
  now: Date;
  tokenExpiryWarningMs: number;
}

/** `outside`: the account's transactions sent outside the service in the health window. */
export function accountView(
  { account, signers }: AccountWithSigners,
  clock: EnrolmentClock,
  outside: readonly OutsideTransactionRecord[] = [],
): AccountView {
  return {
    id: account.id,
    network: account.network,
    address: account.address,
    label: account.label,
    signerList: {
      quorum: account.signerQuorum,
      ledgerIndex: account.signerListLedgerIndex,
      readAt: account.signerListReadAt,
    },
    health: accountHealth(account, signers, clock.now, clock.tokenExpiryWarningMs, outside),
    signers: signers
      .filter((s) => s.inSignerList)
      .map((s) => ({
        address: s.address,
        weight: s.weight,
        label: s.label,
        inSignerList: s.inSignerList,
        hasUserToken: s.userTokenCiphertext !== null,
        userTokenExpiresAt: s.userTokenExpiresAt,
        enrolment: enrolmentView(s, clock),
        keyFacts: {
          funded: s.funded,
          masterDisabled: s.masterDisabled,
          regularKey: s.regularKey,
          ledgerIndex: s.keyFactsLedgerIndex,
        },
      })),
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}

function enrolmentView(
  signer: AccountWithSigners['signers'][number],
  clock: EnrolmentClock,
): AccountView['signers'][number]['enrolment'] {
  const state = enrolmentStateOf(signer, clock.now, clock.tokenExpiryWarningMs);
  const pending = state === 'pending';
  return {
    state,
    needsEnrolment: state === 'none' || state === 'expired',
    payloadUuid: signer.enrolmentPayloadUuid,
    signLink: pending ? signer.enrolmentSignLink : null,
    qrPng: pending ? signer.enrolmentQrPng : null,
    expiresAt: pending ? signer.enrolmentExpiresAt : null,
    enrolledAt: signer.enrolledAt,
    refusalCode: signer.enrolmentRefusalCode,
    refusalReason: signer.enrolmentRefusalDetail,
  };
}
