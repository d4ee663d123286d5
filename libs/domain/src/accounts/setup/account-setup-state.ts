/**
 * Onboarding an account from scratch (`POST /v1/accounts/setup`), as data: the states of a set-up,
 * every allowed transition by name (from, to, who takes it, why) and the terminal states.
 *
 * ```
 * awaiting_signer_list ─signerListSubmitted─► signer_list_submitted ─┬─signerListApplied──► registering ─registered─► registered
 *                                                                    └─disableMasterRequested─► awaiting_disable_master
 * awaiting_disable_master ─masterDisableSubmitted─► master_disable_submitted ─masterDisableApplied─► registering
 * any open state ─failed─► failed (with a SETUP_* code)
 * ```
 */
export const SETUP_STATES = [
  'awaiting_signer_list',
  'signer_list_submitted',
  'awaiting_disable_master',
  'master_disable_submitted',
  'registering',
  'registered',
  'failed',
] as const;
export type SetupState = (typeof SETUP_STATES)[number];

export const SETUP_TERMINAL_STATES: readonly SetupState[] = ['registered', 'failed'];
export const SETUP_OPEN_STATES: readonly SetupState[] = SETUP_STATES.filter(
  (s) => !SETUP_TERMINAL_STATES.includes(s),
);

export interface SetupTransition {
  from: readonly SetupState[];
  to: SetupState;
  by: string;
  why: string;
}

export const SETUP_TRANSITIONS = {
  signerListSubmitted: {
    from: ['awaiting_signer_list'],
    to: 'signer_list_submitted',
    by: 'AdvanceAccountSetups',
    why: "the owner signed the prepared SignerListSet; the blob is exactly it, signed by the owner's key, and was submitted",
  },
  disableMasterRequested: {
    from: ['signer_list_submitted'],
    to: 'awaiting_disable_master',
    by: 'AdvanceAccountSetups',
    why: 'the SignerList validated and the set-up asks to disable the master key: the owner gets an AccountSet asfDisableMaster payload',
  },
  masterDisableSubmitted: {
    from: ['awaiting_disable_master'],
    to: 'master_disable_submitted',
    by: 'AdvanceAccountSetups',
    why: 'the owner signed the prepared AccountSet with the master key; it was submitted',
  },
  readyToRegister: {
    from: ['signer_list_submitted', 'master_disable_submitted'],
    to: 'registering',
    by: 'AdvanceAccountSetups',
    why: 'the last step validated (tesSUCCESS): the account can be registered',
  },
  registered: {
    from: ['registering'],
    to: 'registered',
    by: 'AdvanceAccountSetups',
    why: 'the account is registered and its signers are invited to enrol',
  },
  failed: {
    from: SETUP_OPEN_STATES,
    to: 'failed',
    by: 'AdvanceAccountSetups',
    why: 'a step cannot complete: the owner refused or let a payload expire, a blob was not the prepared transaction, the ledger refused it, or no key would remain',
  },
} as const satisfies Record<string, SetupTransition>;

export type SetupTransitionName = keyof typeof SETUP_TRANSITIONS;

export function canTakeSetupTransition(name: SetupTransitionName, from: SetupState): boolean {
  return (SETUP_TRANSITIONS[name].from as readonly SetupState[]).includes(from);
}
