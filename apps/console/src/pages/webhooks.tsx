import { useState } from 'preact/hooks';
import { api, Page } from '../api';
import { Empty, ErrorNote, when } from '../format';
import { useLoad } from './use-load';

interface Subscription {
  id: string;
  url: string;
  events?: string[];
  active?: boolean;
  enabled?: boolean;
  createdAt?: string;
}

interface Delivery {
  id: string;
  eventType?: string;
  type?: string;
  state?: string;
  status?: string;
  attempts?: number;
  responseStatus?: number | null;
  lastStatus?: number | null;
  createdAt?: string;
  deliveredAt?: string | null;
}

/** Outbound webhook subscriptions and each one's delivery log (shown only when the service has them). */
export function WebhooksPage() {
  const list = useLoad(() => api<Page<Subscription>>('GET', '/v1/webhook-subscriptions'), []);
  const [selected, setSelected] = useState<string | null>(null);
  const deliveries = useLoad(
    () =>
      selected
        ? api<Page<Delivery>>('GET', `/v1/webhook-subscriptions/${selected}/deliveries`)
        : Promise.resolve(null),
    [selected],
  );
  const items = list.data?.items ?? [];
  return (
    <section>
      <h1>Webhook subscriptions</h1>
      <ErrorNote error={list.error} />
      {list.data && items.length === 0 ? <Empty>No webhook subscriptions.</Empty> : null}
      {items.length > 0 ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Webhook subscriptions</caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Active</th>
                <th scope="col">Deliveries</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr>
                  <td class="mono break">{s.url}</td>
                  <td>{(s.events ?? []).join(', ')}</td>
                  <td>{String(s.active ?? s.enabled ?? true)}</td>
                  <td>
                    <button
                      type="button"
                      class="secondary"
                      onClick={() => setSelected(s.id)}
                      aria-pressed={selected === s.id}
                    >
                      Show log
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {selected ? (
        <>
          <h2>Delivery log</h2>
          <ErrorNote error={deliveries.error} />
          {deliveries.data && deliveries.data.items.length === 0 ? (
            <Empty>Nothing delivered yet.</Empty>
          ) : null}
          {deliveries.data && deliveries.data.items.length > 0 ? (
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">Deliveries</caption>
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">State</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">HTTP</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {deliveries.data.items.map((d) => (
                    <tr>
                      <td>{d.eventType ?? d.type ?? '—'}</td>
                      <td>{d.state ?? d.status ?? '—'}</td>
                      <td>{d.attempts ?? '—'}</td>
                      <td>{d.responseStatus ?? d.lastStatus ?? '—'}</td>
                      <td>{when(d.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
