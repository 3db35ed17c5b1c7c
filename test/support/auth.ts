import request from 'supertest';
import { signToken } from '../../src/common/auth/token-issuer';
import { Role } from '../../src/common/auth/principal';
import { TEST_JWT_SECRET, TestApp } from './app';

export function tokenFor(opts: { tenantId?: string | null; roles?: Role[]; subject?: string; ttlSeconds?: number; secret?: string; issuer?: string; audience?: string }): string {
  return signToken(
    opts.secret ?? TEST_JWT_SECRET,
    { subject: opts.subject ?? 'test-user', tenantId: opts.tenantId ?? null, roles: opts.roles ?? ['editor'], ttlSeconds: opts.ttlSeconds ?? 600 },
    { issuer: opts.issuer, audience: opts.audience },
  );
}

export const adminToken = (issuer?: string, audience?: string) => tokenFor({ roles: ['admin'], subject: 'platform-admin', issuer, audience });
/** A platform admin token the app `t` accepts (its issuer and audience, when configured). */
export const adminTokenFor = (t: TestApp) => adminToken(t.env.JWT_ISSUER, t.env.JWT_AUDIENCE);

/** Creates a tenant through the admin API and returns its id and an editor token for it. */
export async function createTenant(t: TestApp, name = `Tenant ${Math.random().toString(36).slice(2, 8)}`) {
  const issuer = t.env.JWT_ISSUER;
  const audience = t.env.JWT_AUDIENCE;
  const res = await request(t.url).post('/api/tenants').set('Authorization', `Bearer ${adminTokenFor(t)}`).send({ name });
  if (res.status !== 201) throw new Error(`tenant create failed: ${res.status} ${JSON.stringify(res.body)}`);
  const id: string = res.body.id;
  return {
    id,
    slug: res.body.slug as string,
    editor: tokenFor({ tenantId: id, roles: ['editor'], issuer, audience }),
    viewer: tokenFor({ tenantId: id, roles: ['viewer'], issuer, audience }),
  };
}

/** A `whk_test_…` API key for the tenant, through the admin API. */
export async function apiKeyFor(t: TestApp, tenantId: string): Promise<string> {
  const res = await request(t.url).post(`/api/tenants/${tenantId}/api-keys`).set('Authorization', `Bearer ${adminTokenFor(t)}`).send({ environment: 'test' });
  if (res.status !== 201) throw new Error(`api key create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.key as string;
}
