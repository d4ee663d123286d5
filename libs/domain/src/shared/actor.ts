/** Who caused a change: recorded in the audit trail with every state change. */
export interface Actor {
  type: 'api_key' | 'xaman' | 'worker' | 'system';
  id: string | null;
  requestId?: string | null;
}

/** The worker, on its own schedule (not on anyone's behalf). */
export const WORKER_ACTOR: Actor = Object.freeze({ type: 'worker', id: null });
/** Xaman, reporting a payload's resolution (webhook, socket or poll). */
export const XAMAN_ACTOR: Actor = Object.freeze({ type: 'xaman', id: null });
/** An operator at the machine (`npm run api-key`, `npm start`'s first key). */
export const SYSTEM_ACTOR: Actor = Object.freeze({ type: 'system', id: null });
