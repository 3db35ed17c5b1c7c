import { api, setCsrfToken } from './api/client';

export interface Session {
  tenant_id: string;
  tenant_name: string;
  role: 'viewer' | 'editor';
  csrf_token: string;
  expires_at: string;
}

let session: Session | null = null;

export function currentSession(): Session | null {
  return session;
}

export function canWrite(): boolean {
  return session?.role === 'editor';
}

function keep(s: Session): Session {
  session = s;
  setCsrfToken(s.csrf_token);
  return s;
}

/** Exchanges a link token for the session cookie (the link then no longer opens). */
export async function openLink(token: string): Promise<Session> {
  return keep(await api('post', '/console/session', { body: { token } }));
}

/** The session behind the cookie, after a reload. */
export async function resume(): Promise<Session> {
  return keep(await api('get', '/console/session'));
}

export async function signOut(): Promise<void> {
  await api('delete', '/console/session');
  session = null;
  setCsrfToken('');
}
