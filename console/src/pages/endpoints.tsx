import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { Subscription, SubscriptionWithSecret, TestPing } from '../api/types';
import { canWrite } from '../session';
import { Alert, Status, Table, useAction, useLoad, when } from '../ui';

function EndpointForm({ initial, onSave, label }: { initial?: Subscription; label: string; onSave: (v: { name?: string; url: string; event_filter: string }) => Promise<void> }) {
  const [name, setName] = useState(initial?.name ?? '');
  const [url, setUrl] = useState(initial?.url ?? '');
  const [filter, setFilter] = useState(initial?.event_filter ?? '*');
  const id = initial?.id ?? 'new';
  return (
    <form
      class="form"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave({ name: name || undefined, url, event_filter: filter });
      }}
    >
      <label for={`name-${id}`}>Name</label>
      <input id={`name-${id}`} value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={255} />
      <label for={`url-${id}`}>URL</label>
      <input id={`url-${id}`} type="url" required value={url} onInput={(e) => setUrl(e.currentTarget.value)} placeholder="https://example.com/webhooks" />
      <label for={`filter-${id}`}>Event filter</label>
      <input id={`filter-${id}`} required value={filter} onInput={(e) => setFilter(e.currentTarget.value)} aria-describedby={`filter-help-${id}`} />
      <small id={`filter-help-${id}`}>"*" for every event, an exact type such as order.created, or a glob such as order.*</small>
      <button type="submit">{label}</button>
    </form>
  );
}

function PingResult({ ping }: { ping: TestPing }) {
  return (
    <div class="panel" role="status" aria-label="Test ping answer">
      <h3>Test ping answer</h3>
      <dl class="facts">
        <dt>Result</dt><dd>{ping.ok ? '✓ accepted' : '✗ refused'}</dd>
        <dt>Status</dt><dd>{ping.status ?? '—'}</dd>
        <dt>Latency</dt><dd>{ping.latency_ms} ms</dd>
        <dt>Error</dt><dd>{ping.error_code ? `${ping.error_code}${ping.error_detail ? ` (${ping.error_detail})` : ''}` : '—'}</dd>
      </dl>
      {ping.response_body_snippet && <pre class="snippet">{ping.response_body_snippet}</pre>}
    </div>
  );
}

export function Endpoints() {
  const list = useLoad(() => api('get', '/v1/subscriptions', { query: { limit: 100 } }), []);
  const action = useAction();
  const [secret, setSecret] = useState<{ id: string; value: string } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [ping, setPing] = useState<{ id: string; result: TestPing } | null>(null);
  const write = canWrite();

  const reveal = (s: SubscriptionWithSecret) => setSecret({ id: s.id, value: s.signing_secret });

  return (
    <section>
      <h1 tabIndex={-1}>Endpoints</h1>
      <Alert error={list.error || action.error} message={action.message} />
      {secret && (
        <div class="panel reveal" role="alert">
          <h2>Signing secret</h2>
          <p>Copy it now: it is shown only this once.</p>
          <code class="secret" data-testid="secret">{secret.value}</code>
          <button type="button" onClick={() => setSecret(null)}>I have copied it</button>
        </div>
      )}
      {write && (
        <details class="panel">
          <summary>Add an endpoint</summary>
          <EndpointForm
            label="Create endpoint"
            onSave={(v) =>
              action.run(async () => {
                reveal(await api('post', '/v1/subscriptions', { body: v }));
                list.reload();
                return `Endpoint ${v.url} created`;
              })
            }
          />
        </details>
      )}
      <Table caption="Endpoints of this workspace" head={['Endpoint', 'Event filter', 'State', 'Failures in a row', 'Created', ...(write ? ['Actions'] : [])]}>
        {list.data?.data.map((s) => [
          <tr key={s.id}>
            <td><strong>{s.name ?? 'Unnamed'}</strong><br /><span class="mono">{s.url}</span></td>
            <td class="mono">{s.event_filter}</td>
            <td><Status value={s.state} /></td>
            <td>{s.consecutive_failures}</td>
            <td>{when(s.created_at)}</td>
            {write && (
              <td class="actions">
                <button type="button" onClick={() => setEditing(editing === s.id ? null : s.id)} aria-expanded={editing === s.id}>Edit</button>
                {s.state === 'active' ? (
                  <button type="button" disabled={action.busy} onClick={() => action.run(async () => { await api('post', '/v1/subscriptions/{id}/pause', { params: { id: s.id } }); list.reload(); return `Paused ${s.url}`; })}>Pause</button>
                ) : (
                  <button type="button" disabled={action.busy} onClick={() => action.run(async () => { await api('post', '/v1/subscriptions/{id}/resume', { params: { id: s.id } }); list.reload(); return `Resumed ${s.url}`; })}>Resume</button>
                )}
                <button type="button" disabled={action.busy} onClick={() => action.run(async () => { reveal(await api('post', '/v1/subscriptions/{id}/rotate-secret', { params: { id: s.id } })); list.reload(); return 'Secret rotated; the previous one stays valid for a while'; })}>Rotate secret</button>
                <button type="button" disabled={action.busy} onClick={() => action.run(async () => { setPing({ id: s.id, result: await api('post', '/v1/webhooks/test', { body: { url: s.url, event_type: 'test.ping' } }) }); })}>Test ping</button>
              </td>
            )}
          </tr>,
          editing === s.id && (
            <tr key={`${s.id}-edit`}>
              <td colSpan={6}>
                <EndpointForm
                  initial={s}
                  label="Save changes"
                  onSave={(v) => action.run(async () => { await api('patch', '/v1/subscriptions/{id}', { params: { id: s.id }, body: v }); setEditing(null); list.reload(); return 'Saved'; })}
                />
              </td>
            </tr>
          ),
          ping?.id === s.id && (
            <tr key={`${s.id}-ping`}>
              <td colSpan={6}><PingResult ping={ping.result} /></td>
            </tr>
          ),
        ])}
      </Table>
      {list.data && !list.data.data.length && <p>No endpoints yet.</p>}
    </section>
  );
}
