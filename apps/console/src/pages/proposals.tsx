import { useState } from 'preact/hooks';
import { api, ApiError, Page, query } from '../api';
import { Empty, ErrorNote, formText, StateBadge, when, Xrp, xrpToDrops } from '../format';
import type { PageProps } from '../main';
import { can } from '../session';
import type { AccountView } from './accounts';
import type { ProposalView } from './proposal';
import { useLoad } from './use-load';

export const PROPOSAL_STATES = [
  'collecting',
  'quorum_reached',
  'time_locked',
  'submitted',
  'succeeded',
  'failed',
  'expired',
  'cancelled',
  'rejected',
  'superseded',
  'invalidated',
];

const amountOf = (p: ProposalView) => (p.preparedTx as { Amount?: unknown }).Amount;

export function ProposalsPage({ session }: PageProps) {
  const [filters, setFilters] = useState<{ state?: string; accountId?: string }>({});
  const [pages, setPages] = useState<ProposalView[]>([]);
  const accounts = useLoad(() => api<Page<AccountView>>('GET', '/v1/accounts'), []);
  const list = useLoad(async () => {
    setPages([]);
    return api<Page<ProposalView>>('GET', `/v1/proposals${query({ ...filters, limit: '20' })}`);
  }, [filters.state, filters.accountId]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const next = cursor === undefined ? list.data?.nextCursor : cursor;
  const items = [...(list.data?.items ?? []), ...pages];

  const more = async () => {
    const page = await api<Page<ProposalView>>(
      'GET',
      `/v1/proposals${query({ ...filters, limit: '20', cursor: next ?? undefined })}`,
    );
    setPages([...pages, ...page.items]);
    setCursor(page.nextCursor ?? null);
  };
  const onFilter = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setCursor(undefined);
    setFilters({
      state: formText(form, 'state') || undefined,
      accountId: formText(form, 'accountId') || undefined,
    });
  };

  return (
    <section>
      <div class="title-row">
        <h1>Proposals</h1>
        {can(session, 'proposer') ? (
          <a class="button" href="#/proposals/new">
            New payment
          </a>
        ) : null}
      </div>
      <form class="filters" onSubmit={onFilter} aria-label="Filter proposals">
        <label>
          State
          <select name="state">
            <option value="">any</option>
            {PROPOSAL_STATES.map((s) => (
              <option value={s}>{s.replace(/_/g, ' ')}</option>
            ))}
          </select>
        </label>
        <label>
          Account
          <select name="accountId">
            <option value="">any</option>
            {(accounts.data?.items ?? []).map((a) => (
              <option value={a.id}>{a.label ?? a.address}</option>
            ))}
          </select>
        </label>
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <ErrorNote error={list.error} />
      {list.data && items.length === 0 ? (
        <Empty>
          No proposals {filters.state || filters.accountId ? 'match these filters' : 'yet'}.
          {can(session, 'proposer') ? ' Create one with “New payment”.' : ''}
        </Empty>
      ) : null}
      {items.length > 0 ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Proposals, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Proposal</th>
                <th scope="col">State</th>
                <th scope="col">Type</th>
                <th scope="col">Amount</th>
                <th scope="col">Weight</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr>
                  <td>
                    <a href={`#/proposals/${p.id}`}>{p.id.slice(0, 8)}</a>
                  </td>
                  <td>
                    <StateBadge state={p.state} />
                  </td>
                  <td>{p.transactionType}</td>
                  <td>{amountOf(p) === undefined ? '—' : <Xrp drops={amountOf(p)} />}</td>
                  <td>
                    {p.quorum.collectedWeight} / {p.quorum.required}
                  </td>
                  <td>{when(p.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {next ? (
        <button type="button" class="secondary" onClick={more}>
          Load more
        </button>
      ) : null}
    </section>
  );
}

/** Which form field an error answer is about (validation, pre-flight and policy refusals). */
export function fieldOf(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const details = (error.details ?? {}) as { field?: string; fields?: { field?: string }[] };
  const named = details.field ?? details.fields?.[0]?.field;
  const normalise = (name: string): string | null => {
    const last = name.split('.').pop()!.toLowerCase();
    if (last === 'destinationtag') return 'destinationTag';
    if (last === 'destination') return 'destination';
    if (['amount', 'deliverMax'.toLowerCase()].includes(last)) return 'amount';
    if (last === 'accountid') return 'accountId';
    if (last === 'expiresinminutes') return 'expiresInMinutes';
    if (last === 'instruction') return 'instruction';
    return null;
  };
  if (named && normalise(named)) return normalise(named);
  const code = error.code;
  if (/DESTINATION_TAG|TAG/.test(code)) return 'destinationTag';
  if (/DESTINATION/.test(code)) return 'destination';
  if (/AMOUNT|LIMIT|RESERVE|BALANCE|FUNDS|INSUFFICIENT/.test(code)) return 'amount';
  if (/EXPIRY|WINDOW/.test(code)) return 'expiresInMinutes';
  if (/^ACCOUNT_/.test(code)) return 'accountId';
  return null;
}

function Field(props: {
  name: string;
  label: string;
  error: unknown;
  errorField: string | null;
  help?: string;
  children: preact.ComponentChildren;
}) {
  const mine = props.errorField === props.name;
  return (
    <div class={`field${mine ? ' invalid' : ''}`}>
      <label for={props.name}>{props.label}</label>
      {props.children}
      {props.help ? (
        <p class="help" id={`${props.name}-help`}>
          {props.help}
        </p>
      ) : null}
      {mine ? (
        <p class="error" id={`${props.name}-error`} role="alert">
          {(props.error as Error).message} <span class="code">({(props.error as ApiError).code})</span>
        </p>
      ) : null}
    </div>
  );
}

export function NewProposalPage(_: PageProps) {
  const accounts = useLoad(() => api<Page<AccountView>>('GET', '/v1/accounts'), []);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errorField = fieldOf(error);
  const described = (name: string, help = false) =>
    [help ? `${name}-help` : '', errorField === name ? `${name}-error` : ''].filter(Boolean).join(' ') ||
    undefined;

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => formText(form, name);
    const drops = xrpToDrops(value('amount'));
    if (!drops) {
      setError(
        new ApiError(400, 'VALIDATION_FAILED', 'Enter an amount in XRP, e.g. 1.5 (at most 6 decimals).', {
          field: 'amount',
        }),
      );
      return;
    }
    const txjson: Record<string, unknown> = {
      TransactionType: 'Payment',
      Destination: value('destination'),
      Amount: drops,
    };
    if (value('destinationTag')) txjson.DestinationTag = Number(value('destinationTag'));
    setBusy(true);
    setError(null);
    try {
      const created = await api<ProposalView>('POST', '/v1/proposals', {
        accountId: value('accountId'),
        txjson,
        ...(value('expiresInMinutes') ? { expiresInMinutes: Number(value('expiresInMinutes')) } : {}),
        ...(value('instruction') ? { instruction: value('instruction') } : {}),
      });
      location.hash = `#/proposals/${created.id}`;
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const items = accounts.data?.items ?? [];
  return (
    <section>
      <h1>New payment</h1>
      <ErrorNote error={accounts.error} />
      {accounts.data && items.length === 0 ? (
        <p class="empty">
          Register a multisig account first (POST /v1/accounts); then propose payments from it.
        </p>
      ) : null}
      <form class="stack" onSubmit={submit} noValidate>
        <Field name="accountId" label="From account" error={error} errorField={errorField}>
          <select id="accountId" name="accountId" required aria-describedby={described('accountId')}>
            {items.map((a) => (
              <option value={a.id}>
                {a.label ? `${a.label} — ` : ''}
                {a.address}
              </option>
            ))}
          </select>
        </Field>
        <Field name="destination" label="Destination address" error={error} errorField={errorField}>
          <input
            id="destination"
            name="destination"
            required
            autocomplete="off"
            spellcheck={false}
            aria-invalid={errorField === 'destination' ? 'true' : undefined}
            aria-describedby={described('destination')}
          />
        </Field>
        <Field name="destinationTag" label="Destination tag (optional)" error={error} errorField={errorField}>
          <input
            id="destinationTag"
            name="destinationTag"
            inputMode="numeric"
            pattern="[0-9]*"
            aria-invalid={errorField === 'destinationTag' ? 'true' : undefined}
            aria-describedby={described('destinationTag')}
          />
        </Field>
        <Field
          name="amount"
          label="Amount (XRP)"
          error={error}
          errorField={errorField}
          help="1 XRP = 1,000,000 drops."
        >
          <input
            id="amount"
            name="amount"
            required
            inputMode="decimal"
            aria-invalid={errorField === 'amount' ? 'true' : undefined}
            aria-describedby={described('amount', true)}
          />
        </Field>
        <Field
          name="expiresInMinutes"
          label="Signing window in minutes (optional)"
          error={error}
          errorField={errorField}
        >
          <input
            id="expiresInMinutes"
            name="expiresInMinutes"
            inputMode="numeric"
            aria-invalid={errorField === 'expiresInMinutes' ? 'true' : undefined}
            aria-describedby={described('expiresInMinutes')}
          />
        </Field>
        <Field name="instruction" label="Note to signers (optional)" error={error} errorField={errorField}>
          <input
            id="instruction"
            name="instruction"
            maxLength={280}
            aria-describedby={described('instruction')}
          />
        </Field>
        {error && !errorField ? <ErrorNote error={error} /> : null}
        <div class="actions">
          <button type="submit" disabled={busy || items.length === 0}>
            {busy ? 'Preparing…' : 'Create payment'}
          </button>
          <a href="#/proposals">Back to proposals</a>
        </div>
      </form>
    </section>
  );
}
