/** State the operator watches, read when metrics are scraped (indexed counts). */
export interface OperationsSnapshot {
  proposalsByState: Record<string, number>;
  /** Sign requests waiting to be sent to Xaman (queued), and how many are due now. */
  signRequestsQueued: number;
  /** The oldest due item of each job's queue (null: nothing due). */
  oldestDue: {
    dispatchSignRequests: Date | null;
    expireProposals: Date | null;
    deliverWebhooks: Date | null;
  };
  webhookDeliveriesPending: number;
}

export abstract class OperationsReadModel {
  abstract snapshot(now: Date): Promise<OperationsSnapshot>;
}
