import { AppError } from '../errors/app-error';
import { csrfTokenOf, openSession, sealSession, sessionCookies, sessionPrincipal } from './session-cookie';

const key = Buffer.alloc(32, 3);
const session = { sid: '019ad0a4-5c1e-7b3e-9a51-3f1c2d4e5f60', tenantId: '019ad0a4-0000-7000-8000-000000000001', role: 'viewer' as const, exp: Date.now() + 60_000 };
const cookie = (value: string) => `other=1; se_console=${value}`;

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected a failure');
}

describe('console session cookie', () => {
  it('round-trips and refuses expired, tampered or foreign-key cookies', () => {
    const sealed = sealSession(key, session);
    expect(openSession(key, sealed)).toEqual(session);
    expect(openSession(key, sealed, session.exp)).toBeNull();
    expect(openSession(key, sealed.slice(0, -2) + 'AA')).toBeNull();
    expect(openSession(Buffer.alloc(32, 4), sealed)).toBeNull();
  });

  it('turns a cookie with its CSRF token into a tenant principal of the session role', () => {
    const { principal } = sessionPrincipal(key, cookie(sealSession(key, session)), csrfTokenOf(key, session.sid));
    expect(principal).toEqual({ kind: 'console_session', subject: `console:${session.sid}`, tenantId: session.tenantId, roles: ['viewer'] });
  });

  it('answers 403 csrf_failed without the right token and 401 without a valid cookie', () => {
    const sealed = sealSession(key, session);
    expect(failure(() => sessionPrincipal(key, cookie(sealed), undefined)).options.reason).toBe('csrf_failed');
    expect(failure(() => sessionPrincipal(key, cookie(sealed), csrfTokenOf(key, 'another-session'))).status).toBe(403);
    expect(failure(() => sessionPrincipal(key, cookie('garbage'), csrfTokenOf(key, session.sid))).options.reason).toBe('invalid_session');
    expect(sessionPrincipal(key, cookie(sealed), null).session.sid).toBe(session.sid);
  });

  it('scopes the cookie to the console and its API families, HttpOnly and SameSite=Strict', () => {
    expect(sessionCookies('v', 60, true)).toEqual([
      'se_console=v; Path=/console; Max-Age=60; HttpOnly; SameSite=Strict; Secure',
      'se_console=v; Path=/v1; Max-Age=60; HttpOnly; SameSite=Strict; Secure',
      'se_console=v; Path=/api; Max-Age=60; HttpOnly; SameSite=Strict; Secure',
    ]);
    expect(sessionCookies('', 0, false)[0]).toBe('se_console=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict');
  });
});
