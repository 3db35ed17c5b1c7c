import { useEffect, useState } from 'preact/hooks';
import { currentCsrfToken } from '../api/client';
import type { Delivery } from '../api/types';
import { Status, Table, when } from '../ui';

/** The delivery updates stream (SSE); EventSource reconnects by itself when the server closes a window. */
export function Live() {
  const [updates, setUpdates] = useState<(Delivery & { seen: string })[]>([]);
  const [state, setState] = useState('connecting');
  useEffect(() => {
    const source = new EventSource(`/v1/echo/stream?csrf=${encodeURIComponent(currentCsrfToken())}`);
    source.onopen = () => setState('connected');
    source.onerror = () => setState('reconnecting');
    source.addEventListener('delivery', (e) => {
      const d = JSON.parse((e as MessageEvent<string>).data) as Delivery;
      setUpdates((u) => [{ ...d, seen: new Date().toISOString() }, ...u].slice(0, 200));
    });
    return () => source.close();
  }, []);
  return (
    <section>
      <h1 tabIndex={-1}>Live deliveries</h1>
      <p role="status" data-testid="stream-state">Stream: {state}</p>
      <div aria-live="polite">
        <Table caption="Delivery updates as they happen, newest first" head={['Seen', 'Delivery', 'Status', 'Attempts', 'Last status code']}>
          {updates.map((d, i) => (
            <tr key={`${d.id}-${i}`}>
              <td>{when(d.seen)}</td>
              <td><a class="mono" href={`#/deliveries/${d.id}`}>{d.id.slice(0, 8)}…</a></td>
              <td><Status value={d.status} /></td>
              <td>{d.attempts_made}</td>
              <td>{d.final_status_code ?? '—'}</td>
            </tr>
          ))}
        </Table>
      </div>
      {!updates.length && <p>Waiting for deliveries…</p>}
    </section>
  );
}
