import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { Alert, isoOf, Status, Table, useLoad, when } from '../ui';

function EventDeliveries({ eventId }: { eventId: string }) {
  const list = useLoad(() => api('get', '/v1/deliveries', { query: { event_id: eventId, limit: 100 } }), [eventId]);
  return (
    <div class="panel">
      <Alert error={list.error} />
      <ul class="plain">
        {list.data?.data.map((d) => (
          <li key={d.id}>
            <Status value={d.status} /> · {d.attempts_made} attempt(s) · <a href={`#/deliveries/${d.id}`}>Delivery {d.id.slice(0, 8)}… attempts</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Events() {
  const [type, setType] = useState('');
  const [since, setSince] = useState('');
  const [query, setQuery] = useState<{ type?: string; created_after?: string }>({});
  const [open, setOpen] = useState<string | null>(null);
  const list = useLoad(() => api('get', '/v1/events', { query: { ...query, limit: 50 } }), [query]);
  return (
    <section>
      <h1 tabIndex={-1}>Event log</h1>
      <form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); setQuery({ type: type || undefined, created_after: isoOf(since) }); }}>
        <label for="ev-type">Type</label>
        <input id="ev-type" value={type} onInput={(e) => setType(e.currentTarget.value)} placeholder="order.created" />
        <label for="ev-since">Since</label>
        <input id="ev-since" type="datetime-local" value={since} onInput={(e) => setSince(e.currentTarget.value)} />
        <button type="submit">Filter</button>
      </form>
      <Alert error={list.error} />
      <Table caption="Events, newest first" head={['Type', 'Received', 'Deliveries', 'Details']}>
        {list.data?.data.map((ev) => [
          <tr key={ev.id}>
            <td class="mono">{ev.type}</td>
            <td>{when(ev.created_at)}</td>
            <td>
              {ev.deliveries_summary.total} total · {ev.deliveries_summary.succeeded} succeeded · {ev.deliveries_summary.failed} failed ·{' '}
              {ev.deliveries_summary.pending} pending
            </td>
            <td>
              <button type="button" aria-expanded={open === ev.id} onClick={() => setOpen(open === ev.id ? null : ev.id)}>Deliveries</button>
            </td>
          </tr>,
          open === ev.id && (
            <tr key={`${ev.id}-d`}>
              <td colSpan={4}><EventDeliveries eventId={ev.id} /></td>
            </tr>
          ),
        ])}
      </Table>
      {list.data && !list.data.data.length && <p>No events match.</p>}
    </section>
  );
}
