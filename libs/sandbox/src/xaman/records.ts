/**
 * What the Xaman sandbox stores: simulated users with their wallets and tokens, and payloads with
 * everything that happened to them. Internal shapes; tests see them through the public views.
 */
import type { Wallet } from 'xrpl';

import type { XamanBehaviour, XamanSandboxWsEvent } from './types';

export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface KeyRec {
  wallet: Wallet;
  seed: string;
}
export interface AccountRec {
  address: string;
  master: KeyRec;
  regular: KeyRec | null;
}
export interface UserRec {
  id: string;
  accounts: AccountRec[];
  behaviour: XamanBehaviour | null;
  token: string | null;
}
export interface TokenRec {
  token: string;
  userId: string;
  /** unix seconds */
  issued: number;
  /** ms since epoch */
  expiresAt: number;
  /** The payload this token was last associated with (issued_user_token join, [BE2021]). */
  lastPayloadUuid: string | null;
}
export interface ResponseRec {
  hex: string;
  txid: string;
  resolved_at: string;
  environment_nodeuri: string;
  environment_nodetype: string;
  environment_networkid: number;
  multisign_account: string;
  account: string;
  signer: string;
  signer_pubkey?: string;
  approved_with?: string;
  user: string;
}
export interface PayloadRec {
  uuid: string;
  createdAt: number;
  expiresAt: number;
  txType: string;
  requestJson: Json;
  multisign: boolean;
  submit: boolean;
  pathfinding: boolean;
  pathfindingFallback: boolean;
  forceNetwork: string | null;
  signers: string[] | null;
  returnUrl: { app: string | null; web: string | null };
  customMeta: { identifier: string | null; blob: Record<string, unknown> | null; instruction: string | null };
  pushed: boolean;
  userId: string | null;
  cancelled: boolean;
  appOpened: boolean;
  openedAt: number | null;
  openedByDeeplink: boolean | null;
  origintype: string | null;
  signmethod: string | null;
  resolved: boolean;
  /** resolveRaceMs window: the resolve message is out, the state not yet stored. */
  resolving: boolean;
  signed: boolean;
  response: ResponseRec | null;
  signedTx: Json | null;
  resolvedByUserId: string | null;
  referenceCallUuid: string | null;
  userTokenTouched: boolean;
  apiOpenCount: number;
  wsEvents: XamanSandboxWsEvent[];
  expiryTimer: NodeJS.Timeout | null;
  behaviourTimer: NodeJS.Timeout | null;
}

export function isExpired(p: PayloadRec, now = Date.now()): boolean {
  return now >= p.expiresAt;
}
