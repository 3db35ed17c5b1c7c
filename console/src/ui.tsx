import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeError } from './api/client';

/** Loads `load()` now and whenever `deps` change; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && (setData(d), setError('')),
      (e) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, error, reload: useCallback(() => setTick((t) => t + 1), []) };
}

/** Runs an action, keeping its error or result message for display. */
export function useAction(): { busy: boolean; message: string; error: string; run: (fn: () => Promise<string | void>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const run = async (fn: () => Promise<string | void>) => {
    setBusy(true);
    setError('');
    setMessage('');
    try {
      setMessage((await fn()) ?? '');
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, message, error, run };
}

export function Alert({ error, message }: { error?: string; message?: string }) {
  if (error) return <p class="alert error" role="alert"><strong>Error:</strong> {error}</p>;
  if (message) return <p class="alert ok" role="status">{message}</p>;
  return null;
}

/** A status as a word with a symbol, so it reads without colour. */
export function Status({ value }: { value: string }) {
  const symbol: Record<string, string> = {
    success: '✓', completed: '✓', active: '●', running: '▶', pending: '…', queued: '…',
    failed: '✗', dead: '✗', disabled: '⊘', paused: '⏸', cancelled: '⊘',
  };
  return <span class={`status status-${value}`}>{symbol[value] ?? '•'} {value}</span>;
}

export function Table({ caption, head, children }: { caption: string; head: string[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>{head.map((h) => <th scope="col" key={h}>{h}</th>)}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '—';
}

/** `datetime-local` input value → ISO string (or undefined when empty). */
export function isoOf(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

export function Headers({ title, headers }: { title: string; headers: Record<string, string> | null | undefined }) {
  const entries = Object.entries(headers ?? {});
  return (
    <details>
      <summary>{title} ({entries.length})</summary>
      {entries.length ? (
        <dl class="headers">{entries.map(([k, v]) => [<dt key={`k${k}`}>{k}</dt>, <dd key={`v${k}`}>{v}</dd>])}</dl>
      ) : (
        <p>None recorded.</p>
      )}
    </details>
  );
}
