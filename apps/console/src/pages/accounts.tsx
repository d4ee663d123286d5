import { useState } from 'preact/hooks';
import { api, Page } from '../api';
import { Empty, ErrorNote, formText, when } from '../format';
import type { PageProps } from '../main';
import { Qr } from '../qr';
import { can } from '../session';
import { useLoad } from './use-load';

export interface AccountView {
  id: string;
  network: string;
  address: string;
  label: string | null;
  signerList: { quorum: number; ledgerIndex: number; readAt: string };
  signers: {
    address: string;
    weight: number;
    label: string | null;
    hasUserToken: boolean;
    userTokenExpiresAt: string | null;
    enrolment?: { state?: string } | string | null;
    keyFacts: { funded: boolean; masterDisabled: boolean; regularKey: string | null };
  }[];
  warnings?: Warning[];
  /** What makes the account weak (GET /v1/accounts/:id answers an array). */
  health?: Warning[] | { warnings?: Warning[] };
}

interface Warning {
  code: string;
  message?: string;
  signer?: string;
}

export function AccountsPage(_: PageProps) {
  const list = useLoad(() => api<Page<AccountView>>('GET', '/v1/accounts'), []);
  return (
    <section>
      <h1>Accounts</h1>
      <ErrorNote error={list.error} />
      {list.data && list.data.items.length === 0 ? (
        <Empty>
          No multisig accounts are registered yet (an admin registers one with POST /v1/accounts).
        </Empty>
      ) : null}
      {list.data && list.data.items.length > 0 ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Registered multisig accounts</caption>
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Address</th>
                <th scope="col">Quorum</th>
                <th scope="col">Signers</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((a) => (
                <tr>
                  <td>
                    <a href={`#/accounts/${a.id}`}>{a.label ?? a.address.slice(0, 10)}</a>
                  </td>
                  <td class="mono">{a.address}</td>
                  <td>{a.signerList.quorum}</td>
                  <td>{a.signers.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

const enrolmentOf = (s: AccountView['signers'][number]): string => {
  if (typeof s.enrolment === 'string') return s.enrolment;
  if (s.enrolment && typeof s.enrolment === 'object' && s.enrolment.state) return s.enrolment.state;
  return s.hasUserToken ? 'enrolled' : 'not enrolled';
};

const tokenOf = (s: AccountView['signers'][number]): string => {
  if (!s.hasUserToken) return 'no token: sign link / QR';
  if (!s.userTokenExpiresAt) return 'token';
  const expires = new Date(s.userTokenExpiresAt);
  return expires.getTime() < Date.now()
    ? `token expired ${when(s.userTokenExpiresAt)}`
    : `token until ${when(s.userTokenExpiresAt)}`;
};

interface Enrolment {
  signLink?: string | null;
  next?: { always?: string };
  url?: string;
  state?: string;
}

export function AccountPage({ id, session, features }: PageProps & { id: string }) {
  const account = useLoad(() => api<AccountView>('GET', `/v1/accounts/${id}`), [id]);
  const health = useLoad(
    () =>
      features.accountHealth
        ? api<{ warnings?: Warning[] } | Warning[]>('GET', `/v1/accounts/${id}/health`)
        : Promise.resolve(null),
    [id, features.accountHealth],
  );
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [enrolment, setEnrolment] = useState<{ address: string; link: string } | null>(null);
  const [changing, setChanging] = useState(false);
  const a = account.data;
  if (!a) {
    return (
      <section>
        <h1>Account</h1>
        {account.error ? <ErrorNote error={account.error} /> : <p class="loading">Loading…</p>}
      </section>
    );
  }
  const fromHealth = Array.isArray(health.data) ? health.data : health.data?.warnings;
  const fromView = Array.isArray(a.health) ? a.health : a.health?.warnings;
  const warnings = fromHealth ?? fromView ?? a.warnings ?? [];
  const admin = can(session, 'admin');

  const refresh = async () => {
    setError(null);
    try {
      const answer = await api<{ changed?: boolean }>('POST', `/v1/accounts/${id}/refresh`);
      setMessage(
        answer.changed
          ? 'The SignerList changed on the ledger; the snapshot is updated.'
          : 'The SignerList is unchanged.',
      );
      account.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const enrol = async (address: string) => {
    setError(null);
    try {
      const answer = await api<Enrolment & { enrolment?: Enrolment }>(
        'POST',
        `/v1/accounts/${id}/signers/${address}/enrolment`,
        {},
      );
      const e = answer.enrolment ?? answer;
      const link = e.signLink ?? e.next?.always ?? e.url;
      if (!link) throw new Error('The enrolment answer carried no sign link.');
      setEnrolment({ address, link });
    } catch (failure) {
      setError(failure);
    }
  };
  const changeQuorum = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const signers = formText(form, 'signers')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const [address = '', weight = '1'] = line.split(/[\s,]+/);
        return { address, weight: Number(weight) };
      });
    setError(null);
    try {
      const answer = await api<{ id?: string; proposal?: { id: string } }>(
        'POST',
        `/v1/accounts/${id}/signer-list`,
        {
          quorum: Number(form.get('quorum')),
          signers,
        },
      );
      const proposalId = answer.proposal?.id ?? answer.id;
      if (proposalId) location.hash = `#/proposals/${proposalId}`;
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section>
      <p>
        <a href="#/accounts">← Accounts</a>
      </p>
      <h1>{a.label ?? 'Account'}</h1>
      <dl class="facts">
        <dt>Address</dt>
        <dd class="mono break">{a.address}</dd>
        <dt>Network</dt>
        <dd>{a.network}</dd>
        <dt>Quorum</dt>
        <dd>
          {a.signerList.quorum} of {a.signers.reduce((sum, s) => sum + s.weight, 0)} weight (read at ledger{' '}
          {a.signerList.ledgerIndex}, {when(a.signerList.readAt)})
        </dd>
      </dl>
      {message ? (
        <p class="notice" role="status">
          {message}
        </p>
      ) : null}
      <ErrorNote error={error} />
      <h2>Health</h2>
      {warnings.length === 0 ? (
        <p class="ok">No warnings.</p>
      ) : (
        <ul class="warnings">
          {warnings.map((w) => (
            <li class="warning">
              <strong>{w.code}</strong>
              {w.message ? `: ${w.message}` : ''}
              {w.signer ? <span class="mono"> ({w.signer})</span> : null}
            </li>
          ))}
        </ul>
      )}
      <h2>Signers</h2>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Signer list</caption>
          <thead>
            <tr>
              <th scope="col">Signer</th>
              <th scope="col">Weight</th>
              <th scope="col">Enrolment</th>
              <th scope="col">Token</th>
              <th scope="col">Keys</th>
              {admin && features.enrolment ? <th scope="col">Action</th> : null}
            </tr>
          </thead>
          <tbody>
            {a.signers.map((s) => (
              <tr>
                <td>
                  {s.label ? <div>{s.label}</div> : null}
                  <span class="mono">{s.address}</span>
                </td>
                <td>{s.weight}</td>
                <td>{enrolmentOf(s)}</td>
                <td>{tokenOf(s)}</td>
                <td>
                  {!s.keyFacts.funded
                    ? 'unfunded (master key)'
                    : s.keyFacts.masterDisabled
                      ? 'master disabled'
                      : 'master'}
                  {s.keyFacts.regularKey ? ' + regular key' : ''}
                </td>
                {admin && features.enrolment ? (
                  <td>
                    <button type="button" class="secondary" onClick={() => enrol(s.address)}>
                      Enrol
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {enrolment ? (
        <div class="sign-link" role="region" aria-label="Enrolment">
          <h3>Enrol {enrolment.address}</h3>
          <p>The signer scans this with Xaman and signs in; their token is then stored.</p>
          <Qr value={enrolment.link} label={`Enrolment QR code for ${enrolment.address}`} />
          <a href={enrolment.link} target="_blank" rel="noopener noreferrer">
            Enrolment link
          </a>
        </div>
      ) : null}
      {admin ? (
        <div class="actions">
          <button type="button" class="secondary" onClick={refresh}>
            Re-read from the ledger
          </button>
          {features.signerList ? (
            <button
              type="button"
              class="secondary"
              onClick={() => setChanging(!changing)}
              aria-expanded={changing}
            >
              Change quorum…
            </button>
          ) : null}
        </div>
      ) : null}
      {admin && features.signerList && changing ? (
        <form class="stack" onSubmit={changeQuorum} aria-label="Quorum change">
          <h2>Quorum change</h2>
          <label for="quorum">New quorum</label>
          <input id="quorum" name="quorum" inputMode="numeric" required value={String(a.signerList.quorum)} />
          <label for="signers">Signers, one per line: address and weight</label>
          <textarea
            id="signers"
            name="signers"
            rows={Math.max(3, a.signers.length + 1)}
            required
            value={a.signers.map((s) => `${s.address} ${s.weight}`).join('\n')}
          />
          <button type="submit">Propose the SignerListSet</button>
        </form>
      ) : null}
    </section>
  );
}
