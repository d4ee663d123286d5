import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  canMoveProposal,
  canMoveRequest,
  LIVE_REQUEST_STATES,
  OPEN_PROPOSAL_STATES,
  PROPOSAL_STATES,
  PROPOSAL_TRANSITIONS,
  ProposalState,
  REQUEST_STATES,
  REQUEST_TRANSITIONS,
  RequestState,
  TERMINAL_PROPOSAL_STATES,
} from './proposal-state';

/** The life cycle of PRODUCT.md, written out by hand: the table must say exactly this. */
const EXPECTED_PROPOSAL_MOVES: Record<ProposalState, ProposalState[]> = {
  collecting: ['quorum_reached', 'expired', 'cancelled', 'rejected', 'superseded', 'invalidated'],
  quorum_reached: ['collecting', 'time_locked', 'submitted', 'invalidated'],
  time_locked: ['submitted', 'cancelled'],
  submitted: ['succeeded', 'failed', 'expired', 'superseded'],
  succeeded: [],
  failed: [],
  expired: [],
  cancelled: [],
  rejected: [],
  superseded: [],
  invalidated: [],
};

const EXPECTED_REQUEST_MOVES: Record<RequestState, RequestState[]> = {
  queued: ['queued', 'created', 'failed', 'cancelled', 'signed'],
  created: ['opened', 'signed', 'refused', 'rejected', 'expired', 'cancelled'],
  opened: ['signed', 'refused', 'rejected', 'expired', 'cancelled'],
  signed: ['refused'],
  rejected: [],
  refused: [],
  // The Xaman payload is over, but a signer outside Xaman may still upload its blob (signedByUpload).
  expired: ['signed'],
  cancelled: ['signed'],
  failed: ['signed'],
};
const TERMINAL_REQUEST_STATES: RequestState[] = ['rejected', 'refused'];
/** States that end the Xaman payload: only an uploaded blob moves them on. */
const PAYLOAD_OVER_STATES: RequestState[] = ['expired', 'cancelled', 'failed'];

const pairs = <S extends string>(states: readonly S[]): [S, S][] =>
  states.flatMap((from) => states.map((to): [S, S] => [from, to]));

function inTable<S extends string>(
  table: Record<string, { from: readonly S[]; to: S }>,
  from: S,
  to: S,
): boolean {
  return Object.values(table).some((t) => t.to === to && t.from.includes(from));
}

function reachesTerminal<S extends string>(
  start: S,
  table: Record<string, { from: readonly S[]; to: S }>,
  terminal: readonly S[],
): boolean {
  const seen = new Set<S>([start]);
  const queue = [start];
  while (queue.length > 0) {
    const state = queue.shift()!;
    if (terminal.includes(state)) return true;
    for (const t of Object.values(table)) {
      if (t.from.includes(state) && !seen.has(t.to)) {
        seen.add(t.to);
        queue.push(t.to);
      }
    }
  }
  return false;
}

function useCaseFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? useCaseFiles(join(dir, entry.name)) : [entry.name],
  );
}

describe('the proposal state machine', () => {
  it.each(pairs(PROPOSAL_STATES))('%s -> %s is allowed exactly when the table lists it', (from, to) => {
    expect(canMoveProposal(from, to)).toBe(inTable(PROPOSAL_TRANSITIONS, from, to));
    expect(canMoveProposal(from, to)).toBe(EXPECTED_PROPOSAL_MOVES[from].includes(to));
  });

  it('lets no proposal leave a terminal state', () => {
    const moves = TERMINAL_PROPOSAL_STATES.flatMap((from) =>
      PROPOSAL_STATES.filter((to) => canMoveProposal(from, to)).map((to) => `${from}->${to}`),
    );
    expect(moves).toEqual([]);
  });

  it('splits the states into open and terminal, with nothing left over', () => {
    expect([...OPEN_PROPOSAL_STATES, ...TERMINAL_PROPOSAL_STATES].sort()).toEqual(
      [...PROPOSAL_STATES].sort(),
    );
  });

  it.each(OPEN_PROPOSAL_STATES)('an open %s proposal can always end in a terminal state', (state) => {
    expect(reachesTerminal(state, PROPOSAL_TRANSITIONS, TERMINAL_PROPOSAL_STATES)).toBe(true);
  });
});

describe('the sign-request state machine', () => {
  it.each(pairs(REQUEST_STATES))('%s -> %s is allowed exactly when the table lists it', (from, to) => {
    expect(canMoveRequest(from, to)).toBe(inTable(REQUEST_TRANSITIONS, from, to));
    expect(canMoveRequest(from, to)).toBe(EXPECTED_REQUEST_MOVES[from].includes(to));
  });

  it('lets no request leave a terminal state', () => {
    const moves = TERMINAL_REQUEST_STATES.flatMap((from) =>
      REQUEST_STATES.filter((to) => canMoveRequest(from, to)).map((to) => `${from}->${to}`),
    );
    expect(moves).toEqual([]);
  });

  it.each(PAYLOAD_OVER_STATES)('a %s request moves only by an uploaded blob', (from) => {
    const names = Object.entries(REQUEST_TRANSITIONS)
      .filter(([, t]) => (t.from as readonly RequestState[]).includes(from))
      .map(([name]) => name);
    expect(names).toEqual(['signedByUpload']);
  });

  it.each([...LIVE_REQUEST_STATES, 'signed' as const])(
    'a %s request can always end in a terminal state',
    (state) => {
      expect(reachesTerminal(state, REQUEST_TRANSITIONS, TERMINAL_REQUEST_STATES)).toBe(true);
    },
  );
});

describe('who takes each transition', () => {
  const files = useCaseFiles(join(__dirname, '..'));
  const named = [
    ...Object.entries(PROPOSAL_TRANSITIONS).map(([name, t]) => [`proposal ${name}`, t.by] as const),
    ...Object.entries(REQUEST_TRANSITIONS).map(([name, t]) => [`request ${name}`, t.by] as const),
  ];

  it.each(named)('%s is taken by %s, an existing use-case file', (_transition, by) => {
    expect(files).toContain(`${by}.use-case.ts`);
  });

  it('names real files relative to the proposals folder', () => {
    expect(existsSync(join(__dirname, '..', 'proposals', 'close-proposal.use-case.ts'))).toBe(true);
  });
});
