import { useState } from 'preact/hooks';
import { api, Page } from '../api';
import { Empty, ErrorNote, formText, when } from '../format';
import type { PageProps } from '../main';
import { useLoad } from './use-load';

interface ApiKey {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  expiresAt?: string | null;
}

export function ApiKeysPage({ session }: PageProps) {
  const list = useLoad(() => api<Page<ApiKey>>('GET', '/v1/api-keys'), []);
  const [issued, setIssued] = useState<{ name: string; key: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const create = async (event: Event) => {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    setError(null);
    try {
      const answer = await api<ApiKey & { key: string }>('POST', '/v1/api-keys', {
        name: formText(form, 'name'),
        role: formText(form, 'role'),
      });
      setIssued({ name: answer.name, key: answer.key });
      formElement.reset();
      list.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const revoke = async (key: ApiKey) => {
    setError(null);
    try {
      await api('DELETE', `/v1/api-keys/${key.id}`);
      list.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section>
      <h1>API keys</h1>
      <form class="filters" onSubmit={create} aria-label="Issue an API key">
        <label>
          Name
          <input name="name" required maxLength={100} />
        </label>
        <label>
          Role
          <select name="role">
            <option value="viewer">viewer</option>
            <option value="proposer">proposer</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit">Issue key</button>
      </form>
      {issued ? (
        <div class="notice" role="status">
          <p>
            Key for <strong>{issued.name}</strong>, shown this once:
          </p>
          <label for="issued-key">New API key</label>
          <input
            id="issued-key"
            class="mono"
            readOnly
            value={issued.key}
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
      ) : null}
      <ErrorNote error={error ?? list.error} />
      {list.data && list.data.items.length === 0 ? <Empty>No API keys.</Empty> : null}
      {list.data && list.data.items.length > 0 ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Prefix</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((k) => (
                <tr>
                  <td>{k.name}</td>
                  <td>{k.role}</td>
                  <td class="mono">{k.prefix}</td>
                  <td>{when(k.lastUsedAt)}</td>
                  <td>
                    {k.revokedAt
                      ? `revoked ${when(k.revokedAt)}`
                      : k.expiresAt
                        ? `until ${when(k.expiresAt)}`
                        : 'active'}
                  </td>
                  <td>
                    {!k.revokedAt && k.id !== session.keyId ? (
                      <button
                        type="button"
                        class="danger"
                        onClick={() => revoke(k)}
                        aria-label={`Revoke ${k.name}`}
                      >
                        Revoke
                      </button>
                    ) : k.id === session.keyId ? (
                      'this session'
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
