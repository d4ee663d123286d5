import { AccountSetupRecord, SetupState, SetupStepRecord } from '@app/domain';

export const SETUP_STEP_STATES = ['awaiting_signature', 'submitted', 'validated', 'failed'] as const;
export type SetupStepState = (typeof SETUP_STEP_STATES)[number];

/** What the set-up routes answer: the state, each owner step with its payload, and the failure code. */
export interface AccountSetupView {
  id: string;
  network: string;
  address: string;
  label: string | null;
  quorum: number;
  signers: { address: string; weight: number }[];
  disableMaster: boolean;
  state: SetupState;
  steps: {
    kind: SetupStepRecord['kind'];
    state: SetupStepState;
    /** The exact transaction the owner signs (single-signed). */
    txJson: Record<string, unknown>;
    payloadUuid: string;
    signLink: string;
    qrPng: string | null;
    payloadExpiresAt: Date;
    txHash: string | null;
    submitResult: string | null;
    resultCode: string | null;
    resultLedgerIndex: number | null;
  }[];
  failure: { code: string; detail: string | null } | null;
  /** The registered account, once `registered`. */
  accountId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

function stepState(setup: AccountSetupRecord, step: SetupStepRecord, last: boolean): SetupStepState {
  if (step.resultCode === 'tesSUCCESS') return 'validated';
  if (step.resultCode !== null || (last && setup.state === 'failed')) return 'failed';
  return step.txHash ? 'submitted' : 'awaiting_signature';
}

export function accountSetupView(setup: AccountSetupRecord): AccountSetupView {
  return {
    id: setup.id,
    network: setup.network,
    address: setup.address,
    label: setup.label,
    quorum: setup.quorum,
    signers: setup.signers,
    disableMaster: setup.disableMaster,
    state: setup.state,
    steps: setup.steps.map((step, i) => ({
      kind: step.kind,
      state: stepState(setup, step, i === setup.steps.length - 1),
      txJson: step.preparedTx,
      payloadUuid: step.payloadUuid,
      signLink: step.signLink,
      qrPng: step.qrPng,
      payloadExpiresAt: step.payloadExpiresAt,
      txHash: step.txHash,
      submitResult: step.submitResult,
      resultCode: step.resultCode,
      resultLedgerIndex: step.resultLedgerIndex,
    })),
    failure: setup.failureCode ? { code: setup.failureCode, detail: setup.failureDetail } : null,
    accountId: setup.accountId,
    createdAt: setup.createdAt,
    updatedAt: setup.updatedAt,
  };
}
