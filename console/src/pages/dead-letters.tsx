import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { Recovery, Subscription } from '../api/types';
import { canWrite } from '../session';
import { Alert, isoOf, Status, Table, useAction, useLoad, when } from '../ui';

function Recover({ subscriptions, onProgress }: { subscriptions: Subscription[]; onProgress: () => void }) {
  const [sub, setSub] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [recovery, setRecovery] = useState<Recovery | null>(null);
  const action = useAction();

  useEffect(() => {
    if (!recovery || recovery.status === 'completed' || recovery.status === 'failed') return;
    const timer = setTimeout(async () => {
      setRecovery(await api('get', '/v1/dead-letters/recover/{id}', { params: { id: recovery.id } }));
      onProgress();
    }, 1000);
    return () => clearTimeout(timer);
  }, [recovery]);

  const start = (dryRun: boolean) =>
    action.run(async () => {
      const body = { subscription_id: sub || undefined, since: isoOf(since) ?? '', until: isoOf(until), dry_run: dryRun };
      setRecovery(await api('post', '/v1/dead-letters/recover', { body, headers: { 'idempotency-key': crypto.randomUUID() } }));
    });

  return (
    <details class="panel" open>
      <summary>Bulk recover</summary>
      <p>Replays every dead letter of a window (at most 14 days back), paced so a recovering endpoint is not flattened.</p>
      <form class="form" onSubmit={(e) => e.preventDefault()}>
        <label for="rc-sub">Endpoint</label>
        <select id="rc-sub" value={sub} onChange={(e) => setSub(e.currentTarget.value)}>
          <option value="">All endpoints</option>
          {subscriptions.map((s) => <option key={s.id} value={s.id}>{s.name ?? s.url}</option>)}
        </select>
        <label for="rc-since">Died since</label>
        <input id="rc-since" type="datetime-local" required value={since} onInput={(e) => setSince(e.currentTarget.value)} />
        <label for="rc-until">Until (optional)</label>
        <input id="rc-until" type="datetime-local" value={until} onInput={(e) => setUntil(e.currentTarget.value)} />
        <div class="buttons">
          <button type="button" disabled={action.busy || !since} onClick={() => start(true)}>Dry run (count only)</button>
          <button type="button" disabled={action.busy || !since} onClick={() => start(false)}>Recover</button>
        </div>
      </form>
      <Alert error={action.error} />
      {recovery && (
        <p role="status" class="progress-line" data-testid="recovery">
          {recovery.dry_run ? 'Dry run: ' : 'Recover: '}
          <Status value={recovery.status} /> · {recovery.dry_run ? `${recovery.total} dead letter(s) would be replayed` : `${recovery.replayed} of ${recovery.total} replayed`} · {recovery.rate_per_second}/s
        </p>
      )}
    </details>
  );
}

export function DeadLetters() {
  const subs = useLoad(() => api('get', '/v1/subscriptions', { query: { limit: 100 } }), []);
  const [sub, setSub] = useState('');
  const [since, setSince] = useState('');
  const [query, setQuery] = useState<{ subscription_id?: string; since?: string }>({});
  const list = useLoad(() => api('get', '/v1/dead-letters', { query: { ...query, limit: 100 } }), [query]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const action = useAction();
  const write = canWrite();
  const rows = list.data?.data ?? [];
  const toggle = (id: string) => setSelected((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  const endpoint = (id: string | null) => subs.data?.data.find((s) => s.id === id);

  return (
    <section>
      <h1 tabIndex={-1}>Dead letters</h1>
      <form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); setQuery({ subscription_id: sub || undefined, since: isoOf(since) }); }}>
        <label for="dl-sub">Endpoint</label>
        <select id="dl-sub" value={sub} onChange={(e) => setSub(e.currentTarget.value)}>
          <option value="">All endpoints</option>
          {subs.data?.data.map((s) => <option key={s.id} value={s.id}>{s.name ?? s.url}</option>)}
        </select>
        <label for="dl-since">Dead since</label>
        <input id="dl-since" type="datetime-local" value={since} onInput={(e) => setSince(e.currentTarget.value)} />
        <button type="submit">Filter</button>
      </form>
      <Alert error={list.error || action.error} message={action.message} />
      {write && (
        <div class="buttons">
          <button type="button" onClick={() => setSelected(selected.size === rows.length ? new Set() : new Set(rows.map((r) => r.id)))}>
            {selected.size === rows.length && rows.length ? 'Select none' : 'Select all'}
          </button>
          <button
            type="button"
            disabled={!selected.size || action.busy}
            onClick={() =>
              action.run(async () => {
                for (const id of selected) await api('post', '/v1/dead-letters/{id}/replay', { params: { id } });
                const n = selected.size;
                setSelected(new Set());
                list.reload();
                return `Replayed ${n} dead letter(s)`;
              })
            }
          >
            Replay selected ({selected.size})
          </button>
        </div>
      )}
      <Table caption="Dead letters, newest first" head={[...(write ? ['Select'] : []), 'Delivery', 'Endpoint', 'Attempts', 'Last status', 'Dead since']}>
        {rows.map((d) => (
          <tr key={d.id}>
            {write && (
              <td>
                <input type="checkbox" id={`sel-${d.id}`} checked={selected.has(d.id)} onChange={() => toggle(d.id)} aria-label={`Select delivery ${d.id}`} />
              </td>
            )}
            <td><a href={`#/deliveries/${d.id}`} class="mono">{d.id.slice(0, 8)}…</a> <Status value={d.status} /></td>
            <td>{endpoint(d.subscription_id)?.name ?? endpoint(d.subscription_id)?.url ?? d.subscription_id ?? '—'}</td>
            <td>{d.attempts_made}</td>
            <td>{d.final_status_code ?? '—'}</td>
            <td>{when(d.completed_at)}</td>
          </tr>
        ))}
      </Table>
      {list.data && !rows.length && <p>No dead letters. </p>}
      {write && <Recover subscriptions={subs.data?.data ?? []} onProgress={list.reload} />}
    </section>
  );
}
