import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './console.css';
import { api, ApiError, whenSignedOut } from './api';
import { detectFeatures, Features } from './features';
import { can, Session } from './session';
import { SignIn } from './pages/sign-in';
import { AccountPage, AccountsPage } from './pages/accounts';
import { NewProposalPage, ProposalsPage } from './pages/proposals';
import { ProposalPage } from './pages/proposal';
import { AuditPage } from './pages/audit';
import { ApiKeysPage } from './pages/api-keys';
import { WebhooksPage } from './pages/webhooks';

export interface PageProps {
  session: Session;
  features: Features;
}

/** Hash routes: #/proposals, #/proposals/new, #/proposals/<id>, #/accounts/<id>, #/audit, ... */
function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function Page({ route, ...props }: PageProps & { route: string[] }) {
  const [section = 'proposals', id] = route;
  if (section === 'proposals' && id === 'new' && can(props.session, 'proposer'))
    return <NewProposalPage {...props} />;
  if (section === 'proposals' && id) return <ProposalPage {...props} id={id} />;
  if (section === 'accounts' && id) return <AccountPage {...props} id={id} />;
  if (section === 'accounts') return <AccountsPage {...props} />;
  if (section === 'audit' && can(props.session, 'admin')) return <AuditPage />;
  if (section === 'api-keys' && can(props.session, 'admin')) return <ApiKeysPage {...props} />;
  if (section === 'webhooks' && props.features.webhooks && can(props.session, 'admin'))
    return <WebhooksPage />;
  return <ProposalsPage {...props} />;
}

function App() {
  const route = useRoute();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [features, setFeatures] = useState<Features | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = async () => {
    try {
      const current = await api<Session>('GET', '/v1/sessions/current');
      setFeatures(await detectFeatures());
      setSession(current);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) setNotice((error as Error).message);
      setSession(null);
    }
  };
  useEffect(() => {
    whenSignedOut((reason) => {
      setNotice(reason);
      setSession(null);
    });
    void load();
  }, []);

  if (session === undefined) return <p class="loading">Loading the console…</p>;
  if (session === null || features === null) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={() => {
          setNotice(null);
          void load();
        }}
      />
    );
  }

  const signOut = async () => {
    await api('DELETE', '/v1/sessions/current').catch(() => undefined);
    setNotice('You have signed out.');
    setSession(null);
  };
  const section = route[0] ?? 'proposals';
  const link = (href: string, name: string, label: string) => (
    <li>
      <a href={href} aria-current={section === name ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Multisign console</span>
        {session.sandbox ? <span class="sandbox">sandbox</span> : null}
        <nav aria-label="Main">
          <ul>
            {link('#/proposals', 'proposals', 'Proposals')}
            {link('#/accounts', 'accounts', 'Accounts')}
            {can(session, 'admin') ? link('#/audit', 'audit', 'Audit log') : null}
            {can(session, 'admin') ? link('#/api-keys', 'api-keys', 'API keys') : null}
            {can(session, 'admin') && features.webhooks ? link('#/webhooks', 'webhooks', 'Webhooks') : null}
          </ul>
        </nav>
        <span class="who">
          {session.name} <span class="role">({session.role})</span>
        </span>
        <button type="button" class="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} session={session} features={features} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
