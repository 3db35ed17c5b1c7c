import { hmacSha256, safeEqual, SecretBox } from '../crypto/secrets';
import { AppError } from '../errors/app-error';
import { readCookie } from '../http/cookies';
import { Principal, Role, ROLES } from './principal';

/**
 * The console session credential. The cookie holds the session sealed with APP_ENCRYPTION_KEY (AES-256-GCM), so
 * no lookup is needed per request; the CSRF token is an HMAC of the session id under a key derived from the
 * same secret, so it needs no storage either. A cookie is accepted only together with its CSRF token
 * (`X-CSRF-Token`, or `?csrf=` on the SSE stream, which EventSource cannot give headers): a cross-site page can
 * make the browser send the cookie but can never read the token. Logout and a tenant-wide revocation end sessions
 * server-side: the guard also asks `ConsoleSessionRevocations` (the console module, cached briefly) about `sid`.
 */
export const SESSION_COOKIE = 'se_console';
export const CSRF_HEADER = 'x-csrf-token';
/** The console's pages and the API families it calls; no other path ever receives the cookie. */
export const SESSION_COOKIE_PATHS = ['/console', '/v1', '/api'] as const;

export interface ConsoleSession {
  /** The console link the session was opened from. */
  sid: string;
  tenantId: string;
  role: Role;
  /** Expiry, epoch milliseconds. */
  exp: number;
}

function csrfKey(encryptionKey: Buffer): Buffer {
  return hmacSha256(encryptionKey, 'send-engine console csrf');
}

export function csrfTokenOf(encryptionKey: Buffer, sid: string): string {
  return hmacSha256(csrfKey(encryptionKey), sid).toString('base64url');
}

export function sealSession(encryptionKey: Buffer, session: ConsoleSession): string {
  return new SecretBox(encryptionKey).seal(JSON.stringify(session));
}

/** The session in a cookie value, or null when it does not open, is malformed or has expired. */
export function openSession(encryptionKey: Buffer, value: string, now = Date.now()): ConsoleSession | null {
  let session: ConsoleSession;
  try {
    session = JSON.parse(new SecretBox(encryptionKey).open(value)) as ConsoleSession;
  } catch {
    return null;
  }
  const valid = typeof session.sid === 'string' && typeof session.tenantId === 'string' && ROLES.includes(session.role) && typeof session.exp === 'number';
  return valid && session.exp > now ? session : null;
}

/** `Set-Cookie` values for every console path; `maxAgeSeconds` 0 clears them. */
export function sessionCookies(value: string, maxAgeSeconds: number, secure: boolean): string[] {
  return SESSION_COOKIE_PATHS.map(
    (path) => `${SESSION_COOKIE}=${value}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`,
  );
}

export function hasSessionCookie(cookieHeader: string | undefined): boolean {
  return readCookie(cookieHeader, SESSION_COOKIE) !== undefined;
}

export function readSessionCookie(cookieHeader: string | undefined): string | undefined {
  return readCookie(cookieHeader, SESSION_COOKIE);
}

/**
 * The principal of a console session cookie. 401 when the cookie does not open or has expired; 403 when the
 * CSRF token is missing or wrong (`csrf` null skips the check: only for reading the session itself).
 */
export function sessionPrincipal(encryptionKey: Buffer, cookieHeader: string | undefined, csrf: string | null | undefined): { principal: Principal; session: ConsoleSession } {
  const value = readCookie(cookieHeader, SESSION_COOKIE);
  const session = value ? openSession(encryptionKey, value) : null;
  if (!session) throw new AppError('unauthorized', 'The console session is missing or has expired', { reason: 'invalid_session' });
  if (csrf !== null && !(typeof csrf === 'string' && safeEqual(csrf, csrfTokenOf(encryptionKey, session.sid)))) {
    throw new AppError('forbidden', 'A console request must carry its X-CSRF-Token', { reason: 'csrf_failed' });
  }
  return {
    principal: { kind: 'console_session', subject: `console:${session.sid}`, tenantId: session.tenantId, roles: [session.role] },
    session,
  };
}

/** The 401 for a cookie that still opens but whose session was ended server-side. */
export function sessionRevoked(): AppError {
  return new AppError('unauthorized', 'The console session was signed out', { reason: 'session_revoked' });
}
