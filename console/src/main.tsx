import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { describeError } from './api/client';
import { Campaigns } from './pages/campaigns';
import { DeadLetters } from './pages/dead-letters';
import { DeliveryDetail } from './pages/delivery';
import { Endpoints } from './pages/endpoints';
import { Events } from './pages/events';
import { Live } from './pages/live';
import { Suppressions } from './pages/suppressions';
import { currentSession, openLink, resume, Session, signOut } from './session';
import './style.css';

const NAV = [
  ['endpoints', 'Endpoints'],
  ['events', 'Event log'],
  ['dead-letters', 'Dead letters'],
  ['live', 'Live deliveries'],
  ['campaigns', 'Campaigns'],
  ['suppressions', 'Suppressions'],
] as const;

function route(): string[] {
  return location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
}

function useRoute(): string[] {
  const [r, setR] = useState(route());
  useEffect(() => {
    const on = () => setR(route());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return r;
}

function Page({ parts }: { parts: string[] }) {
  switch (parts[0]) {
    case 'events':
      return <Events />;
    case 'deliveries':
      return <DeliveryDetail id={parts[1] ?? ''} />;
    case 'dead-letters':
      return <DeadLetters />;
    case 'live':
      return <Live />;
    case 'campaigns':
      return <Campaigns />;
    case 'suppressions':
      return <Suppressions />;
    default:
      return <Endpoints />;
  }
}

function Shell({ session, parts }: { session: Session; parts: string[] }) {
  const current = parts[0] ?? 'endpoints';
  useEffect(() => {
    // Move focus to the page heading after navigation, for keyboard and screen-reader users.
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [current]);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header class="top">
        <p class="brand">Send Engine <span class="tenant">{session.tenant_name}</span></p>
        <p class="role">{session.role === 'viewer' ? 'Read-only (viewer)' : 'Editor'}</p>
        <button type="button" class="link" onClick={() => signOut().then(() => location.replace('#/signed-out'))}>Sign out</button>
      </header>
      <nav aria-label="Console">
        <ul>
          {NAV.map(([id, label]) => (
            <li key={id}>
              <a href={`#/${id}`} aria-current={current === id ? 'page' : undefined}>{label}</a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Page parts={parts} />
      </main>
    </>
  );
}

function App() {
  const parts = useRoute();
  const [session, setSession] = useState<Session | null>(currentSession());
  const [error, setError] = useState('');

  useEffect(() => {
    if (parts[0] === 'open' && parts[1]) {
      const token = parts[1];
      // The token leaves the address bar and history at once; it is single-use anyway.
      history.replaceState(null, '', `${location.pathname}#/opening`);
      openLink(token).then(
        (s) => (setSession(s), location.replace('#/endpoints')),
        (e) => setError(describeError(e)),
      );
    } else if (!session && parts[0] !== 'opening') {
      resume().then(setSession, () => setError('No console session: open the console with a link from your administrator.'));
    }
  }, [parts[0]]);

  if (parts[0] === 'signed-out') return <main class="center"><h1>Signed out</h1><p>Open a new console link to sign in again.</p></main>;
  if (error) {
    return (
      <main class="center">
        <h1>Cannot open the console</h1>
        <p class="alert error" role="alert">{error}</p>
        <p>Console links open once, within 15 minutes. Ask for a new link.</p>
      </main>
    );
  }
  if (!session) return <main class="center"><p role="status">Opening the console…</p></main>;
  return <Shell session={session} parts={parts} />;
}

render(<App />, document.getElementById('app')!);
