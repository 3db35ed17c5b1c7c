import { useEffect, useRef } from 'preact/hooks';
import { api } from '../api/client';
import type { SendJob } from '../api/types';
import { canWrite } from '../session';
import { Alert, Status, Table, useAction, useLoad, when } from '../ui';

const active = (j: SendJob) => j.status === 'pending' || j.status === 'running';

export function Campaigns() {
  // The list has no counts: each job's progress comes from its own route, fetched again only while it runs.
  const settled = useRef(new Map<string, SendJob>());
  const list = useLoad(async () => {
    const page = await api('get', '/api/send-jobs', { query: { limit: 20 } });
    const data = await Promise.all(
      page.data.map(async (j) => {
        const known = settled.current.get(j.id);
        if (known && known.status === j.status) return known;
        const full = await api('get', '/api/send-jobs/{id}', { params: { id: j.id } });
        if (!active(full)) settled.current.set(j.id, full);
        return full;
      }),
    );
    return { ...page, data };
  }, []);
  const action = useAction();
  const write = canWrite();
  // Live progress: poll while a campaign is still going.
  useEffect(() => {
    if (!list.data?.data.some(active)) return;
    const timer = setTimeout(list.reload, 1500);
    return () => clearTimeout(timer);
  }, [list.data]);

  return (
    <section>
      <h1 tabIndex={-1}>Campaigns</h1>
      <Alert error={list.error || action.error} message={action.message} />
      <Table caption="Send jobs, newest first" head={['Campaign', 'Status', 'Sent / total', 'Unknown', 'Created', ...(write ? ['Actions'] : [])]}>
        {list.data?.data.map((j) => (
          <tr key={j.id}>
            <td><strong>{j.name ?? j.subject}</strong>{j.name && j.name !== j.subject && <><br />{j.subject}</>}</td>
            <td><Status value={j.status} /></td>
            <td>
              <progress max={j.total || 1} value={j.sent ?? 0} aria-label={`Sent ${j.sent ?? 0} of ${j.total ?? 0}`} />{' '}
              <span data-testid="sent-total">{j.sent ?? 0} / {j.total ?? 0}</span>
            </td>
            <td>{j.unknown ?? 0}</td>
            <td>{when(j.created_at)}</td>
            {write && (
              <td class="actions">
                {active(j) && (
                  <button type="button" disabled={action.busy} onClick={() => action.run(async () => { await api('post', '/api/send-jobs/{id}/cancel', { params: { id: j.id } }); list.reload(); return `Cancelled ${j.name ?? j.subject}`; })}>Cancel</button>
                )}
                {!!j.unknown && !active(j) && (
                  <button type="button" disabled={action.busy} onClick={() => action.run(async () => { await api('post', '/api/send-jobs/{id}/resend-unknown', { params: { id: j.id } }); list.reload(); return 'Unknown messages queued again'; })}>Resend unknowns</button>
                )}
              </td>
            )}
          </tr>
        ))}
      </Table>
      {list.data && !list.data.data.length && <p>No campaigns yet.</p>}
    </section>
  );
}
