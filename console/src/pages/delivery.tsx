import { api } from '../api/client';
import { canWrite } from '../session';
import { Alert, Headers, Status, useAction, useLoad, when } from '../ui';

export function DeliveryDetail({ id }: { id: string }) {
  const d = useLoad(() => api('get', '/v1/deliveries/{id}', { params: { id } }), [id]);
  const action = useAction();
  const delivery = d.data;
  return (
    <section>
      <h1 tabIndex={-1}>Delivery</h1>
      <Alert error={d.error || action.error} message={action.message} />
      {delivery && (
        <>
          <dl class="facts">
            <dt>Id</dt><dd class="mono">{delivery.id}</dd>
            <dt>Status</dt><dd><Status value={delivery.status} /></dd>
            <dt>Event</dt><dd class="mono">{delivery.event_id ?? '—'}</dd>
            <dt>Endpoint</dt><dd class="mono">{delivery.subscription_id ?? 'one-off callback'}</dd>
            <dt>Attempts</dt><dd>{delivery.attempts_made}</dd>
            <dt>Next attempt</dt><dd>{when(delivery.next_attempt_at)}</dd>
          </dl>
          {delivery.status === 'dead' && canWrite() && (
            <button type="button" disabled={action.busy} onClick={() => action.run(async () => { await api('post', '/v1/dead-letters/{id}/replay', { params: { id } }); d.reload(); return 'Replayed'; })}>Replay</button>
          )}
          <h2>Attempt timeline</h2>
          <ol class="timeline">
            {delivery.attempts?.map((a) => (
              <li key={a.attempt_number}>
                <h3>Attempt {a.attempt_number} · {when(a.attempted_at)}</h3>
                <dl class="facts">
                  <dt>Response status</dt><dd>{a.response_status ?? 'no response'}</dd>
                  <dt>Latency</dt><dd>{a.latency_ms === null ? '—' : `${a.latency_ms} ms`}</dd>
                  <dt>Error code</dt><dd>{a.error_code ?? '—'}</dd>
                  <dt>Signature</dt><dd class="mono">{a.request_signature}</dd>
                </dl>
                <Headers title="Request headers" headers={a.request_headers} />
                <Headers title="Response headers" headers={a.response_headers} />
                <p>Response body (first bytes):</p>
                <pre class="snippet">{a.response_body_snippet ?? '(empty)'}</pre>
              </li>
            ))}
          </ol>
          {!delivery.attempts?.length && <p>No attempt yet.</p>}
        </>
      )}
    </section>
  );
}
