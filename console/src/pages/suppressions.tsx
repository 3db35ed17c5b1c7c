import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { canWrite } from '../session';
import { Alert, Table, useAction, useLoad, when } from '../ui';

export function Suppressions() {
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const list = useLoad(() => api('get', '/api/suppressions', { query: { q: search || undefined, limit: 100 } }), [search]);
  const action = useAction();
  const write = canWrite();
  return (
    <section>
      <h1 tabIndex={-1}>Suppressions</h1>
      <form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); setSearch(q); }}>
        <label for="sp-q">Email contains</label>
        <input id="sp-q" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        <button type="submit">Search</button>
      </form>
      <Alert error={list.error || action.error} message={action.message} />
      <Table caption="Suppressed addresses, newest first" head={['Email', 'Reason', 'Source', 'Since', ...(write ? ['Actions'] : [])]}>
        {list.data?.data.map((s) => (
          <tr key={s.id}>
            <td class="mono">{s.email}</td>
            <td>{s.reason}</td>
            <td>{s.source}</td>
            <td>{when(s.created_at)}</td>
            {write && (
              <td>
                <button type="button" disabled={action.busy} onClick={() => action.run(async () => { await api('delete', '/api/suppressions/{email}', { params: { email: s.email } }); list.reload(); return `Lifted ${s.email}`; })}>Lift</button>
              </td>
            )}
          </tr>
        ))}
      </Table>
      {list.data && !list.data.data.length && <p>No suppressed address matches.</p>}
    </section>
  );
}
