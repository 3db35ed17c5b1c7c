import { lifetimeProblem, MAX_TOKEN_LIFETIME_SECONDS, principalFromClaims } from './jwt.strategy';
import { hasRole } from './principal';

const tenant = '0190f0e2-1111-7000-8000-000000000001';

describe('principalFromClaims', () => {
  it('maps a tenant editor', () => {
    expect(principalFromClaims({ sub: 'u1', tenant_id: tenant, roles: ['editor'] })).toEqual({
      kind: 'user',
      subject: 'u1',
      tenantId: tenant,
      roles: ['editor'],
    });
  });

  it('marks OAuth client tokens', () => {
    expect(principalFromClaims({ sub: 'c', client_id: 'c', tenant_id: tenant, roles: ['editor'] })?.kind).toBe('oauth_client');
  });

  it.each([
    [{ tenant_id: tenant, roles: ['editor'] }],
    [{ sub: 'u', tenant_id: tenant, roles: [] }],
    [{ sub: 'u', tenant_id: tenant, roles: ['owner'] }],
    [{ sub: 'u', tenant_id: 'not-a-uuid', roles: ['viewer'] }],
    [{ sub: 'u', roles: ['editor'] }],
  ])('refuses %j', (claims) => {
    expect(principalFromClaims(claims)).toBeNull();
  });

  it('lets a platform admin have no tenant', () => {
    expect(principalFromClaims({ sub: 'root', roles: ['admin'] })?.tenantId).toBeNull();
  });
});

describe('hasRole', () => {
  const p = (roles: ('viewer' | 'editor' | 'admin')[]) => ({ kind: 'user' as const, subject: 's', tenantId: null, roles });
  it('orders admin over editor over viewer', () => {
    expect(hasRole(p(['viewer']), 'editor')).toBe(false);
    expect(hasRole(p(['editor']), 'viewer')).toBe(true);
    expect(hasRole(p(['admin']), 'editor')).toBe(true);
    expect(hasRole(p(['editor']), 'admin')).toBe(false);
  });
});

describe('lifetimeProblem', () => {
  const now = 1_800_000_000;
  it('requires exp (a token without one would never expire)', () => {
    expect(lifetimeProblem({ sub: 'u' }, now)).toBe('missing_exp');
    expect(lifetimeProblem({ sub: 'u', exp: '9999999999' }, now)).toBe('missing_exp');
  });
  it('bounds exp - iat, or exp - now without iat', () => {
    expect(lifetimeProblem({ iat: now, exp: now + 3600 }, now)).toBeNull();
    expect(lifetimeProblem({ iat: now, exp: now + MAX_TOKEN_LIFETIME_SECONDS }, now)).toBeNull();
    expect(lifetimeProblem({ iat: now, exp: now + MAX_TOKEN_LIFETIME_SECONDS + 1 }, now)).toBe('lifetime_too_long');
    expect(lifetimeProblem({ exp: now + 10 * 365 * 86400 }, now)).toBe('lifetime_too_long');
  });
});
