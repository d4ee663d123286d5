/** The knobs of the coordination flow, filled from @app/config by the wiring. */
export interface CoordinatorSettings {
  /** The network this deployment serves (accounts must name it). */
  network: string;
  /** Xaman `force_network` for this network, or null (the sandbox network has none). */
  forceNetwork: string | null;
  /** Xaman `force_network` of every served network (`XRPL_NETWORKS`), null where there is none. */
  forceNetworks: Readonly<Record<string, string | null>>;
  defaultExpireMinutes: number;
  maxExpireMinutes: number;
  /** Fastest close rate expected, to size LastLedgerSequence for the deadline. */
  minSecondsPerLedger: number;
  lastLedgerMargin: number;
  feeCushion: number;
  maxFeeDrops: number;
  /** Xaman payload creation: lease per attempt and back-off bounds. */
  dispatchLeaseMs: number;
  dispatchBackoffBaseMs: number;
  dispatchBackoffMaxMs: number;
  /** A submission still unanswered after this long is taken as lost and submitted again. */
  submitGraceMs: number;
  /**
   * Reliable submission: a submitted blob that no validated ledger shows after 2^attempts validated
   * ledgers (capped here) is submitted again, while it can still apply.
   */
  resubmitMaxGapLedgers: number;
  /** A `quorum_reached` proposal left without a combined blob this long is combined by another caller. */
  combineLeaseMs: number;
  /** Open payloads are re-read at most this often by the polling fallback. */
  pollIntervalMs: number;
  /** A payload that could not be withdrawn (Xaman down, already opened) is tried again after this long. */
  withdrawRetryMs: number;
  /** How far a webhook's timestamp may be from now. */
  webhookMaxSkewSeconds: number;
  /** Minutes a signer enrolment (SignIn payload) stays open. */
  enrolmentExpireMinutes: number;
  /** A user_token with less than this left is flagged and audited (`signer.token_expiring`). */
  tokenExpiryWarningMs: number;
  /** A signer who has not opened the payload this long after it was sent gets a new push... */
  reminderAfterMs: number;
  /** ...at most this many times per proposal (0: no reminders). */
  maxReminders: number;
}

/** The Xaman `force_network` for payloads of an account on `network`. */
export function forceNetworkOf(settings: CoordinatorSettings, network: string): string | null {
  if (Object.prototype.hasOwnProperty.call(settings.forceNetworks, network)) {
    return settings.forceNetworks[network] ?? null;
  }
  return network === settings.network ? settings.forceNetwork : null;
}
