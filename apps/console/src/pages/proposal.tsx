import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorNote, StateBadge, when, Xrp } from '../format';
import type { PageProps } from '../main';
import { Qr } from '../qr';
import { can, explorerLink } from '../session';

export interface ProposalView {
  id: string;
  accountId: string;
  state: string;
  transactionType: string;
  preparedTx: Record<string, unknown>;
  fee: string;
  deadline: string;
  instruction: string | null;
  quorum: { required: number; collectedWeight: number; reached: boolean };
  signers: {
    address: string;
    weight: number;
    state: string;
    pushed: boolean | null;
    signLink: string | null;
    signatureCounted: boolean;
    refusalCode: string | null;
    refusalReason: string | null;
  }[];
  hash: string | null;
  submission: { attempts: number; lastResult: string | null };
  result: {
    transactionResult: string | null;
    ledgerIndex: number | null;
    hash: string | null;
    reason: string | null;
  };
  renewable?: boolean;
  createdAt: string;
  closedAt: string | null;
}

const TERMINAL = ['succeeded', 'failed', 'expired', 'cancelled', 'rejected', 'superseded', 'invalidated'];
const RENEWABLE = ['collecting', 'time_locked', 'expired'];

/** The proposal, live: a Server-Sent Events stream sends each change until a terminal state. */
function useLiveProposal(id: string) {
  const [view, setView] = useState<ProposalView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [live, setLive] = useState(false);
  useEffect(() => {
    let closed = false;
    api<ProposalView>('GET', `/v1/proposals/${id}`).then(
      (first) => !closed && setView((current) => current ?? first),
      (failure: unknown) => !closed && setError(failure),
    );
    const events = new EventSource(`/v1/proposals/${id}/events`);
    events.addEventListener('open', () => setLive(true));
    events.addEventListener('proposal', (event) => {
      const next = JSON.parse((event as MessageEvent<string>).data) as ProposalView;
      setView(next);
      if (TERMINAL.includes(next.state)) {
        events.close();
        setLive(false);
      }
    });
    events.addEventListener('error', () => {
      setLive(false);
      // A closed stream (401, 404) is not retried by the browser: one plain read says why.
      if (events.readyState === EventSource.CLOSED && !closed) {
        api<ProposalView>('GET', `/v1/proposals/${id}`).then(setView, setError);
      }
    });
    return () => {
      closed = true;
      events.close();
    };
  }, [id]);
  return { view, error, live, setView };
}

export function ProposalPage({ id, session, features }: PageProps & { id: string }) {
  const { view, error, live, setView } = useLiveProposal(id);
  const [actionError, setActionError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  if (!view) {
    return (
      <section>
        <h1>Proposal</h1>
        {error ? <ErrorNote error={error} /> : <p class="loading">Loading…</p>}
        <a href="#/proposals">Back to proposals</a>
      </section>
    );
  }

  const cancel = async () => {
    setActionError(null);
    try {
      const answer = await api<{ proposal: ProposalView; payloads: unknown }>(
        'POST',
        `/v1/proposals/${id}/cancel`,
      );
      setView(answer.proposal);
      setMessage('The proposal is cancelled; its open sign requests are withdrawn.');
    } catch (failure) {
      setActionError(failure);
    } finally {
      setConfirming(false);
    }
  };
  const renew = async () => {
    setActionError(null);
    try {
      const answer = await api<ProposalView | { proposal: ProposalView }>(
        'POST',
        `/v1/proposals/${id}/renew`,
        {},
      );
      const renewed = 'proposal' in answer ? answer.proposal : answer;
      if (renewed.id !== id) location.hash = `#/proposals/${renewed.id}`;
      else setView(renewed);
      setMessage('The proposal is renewed.');
    } catch (failure) {
      setActionError(failure);
    }
  };

  const tx = view.preparedTx;
  const percent = Math.min(
    100,
    Math.round((view.quorum.collectedWeight / Math.max(1, view.quorum.required)) * 100),
  );
  const hash = view.result.hash ?? view.hash;
  const explorer = hash ? explorerLink(session.network, hash) : null;
  const canCancel = can(session, 'proposer') && view.state === 'collecting';
  const canRenew =
    features.renew && can(session, 'proposer') && (view.renewable ?? RENEWABLE.includes(view.state));

  return (
    <section>
      <p>
        <a href="#/proposals">← Proposals</a>
      </p>
      <div class="title-row">
        <h1>
          {view.transactionType} <span class="mono small">{view.id.slice(0, 8)}</span>
        </h1>
        <p class="state" aria-live="polite">
          State: <StateBadge state={view.state} />{' '}
          <span class={`live ${live ? 'on' : ''}`}>
            {live ? 'live' : TERMINAL.includes(view.state) ? 'final' : 'reconnecting'}
          </span>
        </p>
      </div>
      {message ? (
        <p class="notice" role="status">
          {message}
        </p>
      ) : null}
      <ErrorNote error={actionError} />

      <dl class="facts">
        <dt>From</dt>
        <dd class="mono">
          <a href={`#/accounts/${view.accountId}`}>{String(tx.Account)}</a>
        </dd>
        {tx.Destination ? (
          <>
            <dt>To</dt>
            <dd class="mono">{typeof tx.Destination === 'string' ? tx.Destination : '—'}</dd>
          </>
        ) : null}
        {tx.Amount !== undefined ? (
          <>
            <dt>Amount</dt>
            <dd>
              <Xrp drops={tx.Amount} />
            </dd>
          </>
        ) : null}
        <dt>Fee</dt>
        <dd>
          <Xrp drops={view.fee} />
        </dd>
        <dt>Deadline</dt>
        <dd>{when(view.deadline)}</dd>
        {view.instruction ? (
          <>
            <dt>Note</dt>
            <dd>{view.instruction}</dd>
          </>
        ) : null}
        <dt>Hash</dt>
        <dd class="mono break">
          {hash ?? '—'}
          {explorer ? (
            <>
              {' '}
              <a href={explorer} target="_blank" rel="noopener noreferrer">
                View on the ledger explorer
              </a>
            </>
          ) : null}
        </dd>
        {view.result.transactionResult ? (
          <>
            <dt>Result</dt>
            <dd>
              {view.result.transactionResult}
              {view.result.ledgerIndex ? ` in ledger ${view.result.ledgerIndex}` : ''}
            </dd>
          </>
        ) : null}
        {view.result.reason ? (
          <>
            <dt>Why</dt>
            <dd>{view.result.reason}</dd>
          </>
        ) : null}
      </dl>

      <h2 id="quorum-heading">Quorum</h2>
      <div class="progress-row">
        <progress
          aria-labelledby="quorum-heading"
          max={view.quorum.required}
          value={Math.min(view.quorum.collectedWeight, view.quorum.required)}
        />
        <span id="quorum-text">
          weight {view.quorum.collectedWeight} of {view.quorum.required} ({percent}%)
        </span>
      </div>

      <h2>Signers</h2>
      <ul class="signers">
        {view.signers.map((s) => (
          <li class="signer">
            <div>
              <span class="mono break">{s.address}</span> · weight {s.weight} · <StateBadge state={s.state} />
              {s.signatureCounted ? <span class="counted"> · counted</span> : null}
              {s.pushed === true ? <span> · pushed to Xaman</span> : null}
            </div>
            {s.refusalCode ? (
              <p class="error">
                Refused: {s.refusalCode}
                {s.refusalReason ? ` — ${s.refusalReason}` : ''}
              </p>
            ) : null}
            {s.pushed === false && s.signLink && ['created', 'opened'].includes(s.state) ? (
              <div class="sign-link">
                <Qr value={s.signLink} label={`QR code for ${s.address} to sign in Xaman`} />
                <a href={s.signLink} target="_blank" rel="noopener noreferrer">
                  Sign link for {s.address.slice(0, 8)}…
                </a>
              </div>
            ) : null}
          </li>
        ))}
      </ul>

      {canCancel || canRenew ? (
        <div class="actions">
          {canCancel && !confirming ? (
            <button type="button" class="danger" onClick={() => setConfirming(true)}>
              Cancel proposal
            </button>
          ) : null}
          {canCancel && confirming ? (
            <>
              <button type="button" class="danger" onClick={cancel}>
                Yes, cancel it
              </button>
              <button type="button" class="secondary" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </>
          ) : null}
          {canRenew ? (
            <button type="button" class="secondary" onClick={renew}>
              Renew
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
