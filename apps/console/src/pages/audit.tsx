import { useState } from 'preact/hooks';
import { api, Page, query } from '../api';
import { Empty, ErrorNote, formText, when } from '../format';
import { useLoad } from './use-load';

interface AuditEvent {
  id: string;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  details: unknown;
}

export function AuditPage() {
  const [filters, setFilters] = useState<Record<string, string | undefined>>({});
  const [extra, setExtra] = useState<{ items: AuditEvent[]; next: string | null } | null>(null);
  const list = useLoad(() => {
    setExtra(null);
    return api<Page<AuditEvent>>('GET', `/v1/audit-events${query({ ...filters, limit: '50' })}`);
  }, [JSON.stringify(filters)]);
  const items = [...(list.data?.items ?? []), ...(extra?.items ?? [])];
  const next = extra ? extra.next : (list.data?.nextCursor ?? null);
  const more = async () => {
    const page = await api<Page<AuditEvent>>(
      'GET',
      `/v1/audit-events${query({ ...filters, limit: '50', cursor: next ?? undefined })}`,
    );
    setExtra({ items: [...(extra?.items ?? []), ...page.items], next: page.nextCursor ?? null });
  };
  const onFilter = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => formText(form, name) || undefined;
    const since = value('since');
    setFilters({
      entityType: value('entityType'),
      entityId: value('entityId'),
      action: value('action'),
      since: since ? new Date(since).toISOString() : undefined,
    });
  };
  return (
    <section>
      <h1>Audit log</h1>
      <form class="filters" onSubmit={onFilter} aria-label="Filter the audit log">
        <label>
          Entity type
          <input name="entityType" placeholder="proposal" />
        </label>
        <label>
          Entity id
          <input name="entityId" />
        </label>
        <label>
          Action
          <input name="action" placeholder="proposal.created" />
        </label>
        <label>
          Since
          <input name="since" type="datetime-local" />
        </label>
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <ErrorNote error={list.error} />
      {list.data && items.length === 0 ? <Empty>No audit events match.</Empty> : null}
      {items.length > 0 ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Audit events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Entity</th>
                <th scope="col">Actor</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr>
                  <td>{when(e.occurredAt)}</td>
                  <td>{e.action}</td>
                  <td>
                    {e.entityType} <span class="mono small">{e.entityId.slice(0, 8)}</span>
                  </td>
                  <td>
                    {e.actorType} <span class="mono small">{e.actorId?.slice(0, 8) ?? ''}</span>
                  </td>
                  <td class="mono small break">{JSON.stringify(e.details)}</td>
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
