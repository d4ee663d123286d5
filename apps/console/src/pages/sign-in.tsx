import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorNote } from '../format';

/** The API key goes to the server once and is exchanged for an HttpOnly cookie; it is kept nowhere here. */
export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem('apiKey') as HTMLInputElement;
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/v1/sessions', { apiKey: input.value.trim() });
      input.value = '';
      onSignedIn();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1>Sign in to the multisign console</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit}>
        <label for="apiKey">API key</label>
        <input
          id="apiKey"
          name="apiKey"
          type="password"
          autocomplete="off"
          required
          spellcheck={false}
          aria-describedby="apiKeyHelp"
        />
        <p id="apiKeyHelp" class="help">
          <code>npm start</code> prints an admin key at its first start. The key is exchanged for a session
          cookie and is not stored by the browser.
        </p>
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
