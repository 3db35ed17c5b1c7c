import Ajv from 'ajv';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { buildOpenApi } from '../src/common/ops/swagger';
import { CaseFactory, FuzzCase, OpenApiDocument, Operation, operationsOf, Rng } from './fuzz/openapi-cases';
import { createTestApp, TEST_ENCRYPTION_KEY, TEST_JWT_SECRET, TestApp } from './support/app';
import { adminToken, apiKeyFor, createTenant } from './support/auth';
import { MemberCenterClient } from './support/member-center';
import { flatSignature } from './support/sns';
import problemSchema from './contracts/problem.schema.json';

/**
 * Schema-driven fuzzing of every route in the app's own OpenAPI document, with valid credentials and signatures
 * so validation is reached. A route added later is fuzzed because the route list comes from the document.
 * FUZZ_SEED and FUZZ_CASES (per route) reproduce or widen a run.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 15);
const CASES_PER_ROUTE = Number(process.env.FUZZ_CASES ?? 200);
const CONCURRENCY = 4;
const headerRng = new Rng(SEED + 1);
const SES_SECRET = 'fuzz-ses-hmac-secret-0123456789';
const ajv = new Ajv({ allErrors: true });
const isProblem = ajv.compile(problemSchema);

/** Routes whose success never ends (SSE): only their failures are read to the end. */
const STREAMING = /text\/event-stream/;
const STACK_TRACE = /\bat [\w.<>]+ \(|\.(ts|js):\d+:\d+|node_modules\//;
const SQL = /QueryFailedError|syntax error at or near|violates (not-null|check|foreign key|unique) constraint|invalid input syntax|SELECT .* FROM|INSERT INTO|out of range for type/i;

interface Failure {
  op: string;
  label: string;
  status: number;
  why: string;
  body: string;
}

describe('fuzz: every route of the OpenAPI document', () => {
  let t: TestApp;
  let ops: Operation[];
  let factory: CaseFactory;
  const secrets: string[] = [TEST_JWT_SECRET, TEST_ENCRYPTION_KEY, SES_SECRET];
  let credentials: { admin: string; apiKey: string; tenantId: string; mc: MemberCenterClient };
  const fixtures = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp({ env: { SES_EVENTS_HMAC_SECRET: SES_SECRET, RATE_LIMIT_PER_MINUTE: '100000000' } });
    const tenant = await createTenant(t);
    // Admin routes that change a tenant (settings, keys, clients) act on a second tenant, so the fuzzed tenant's
    // credentials and rate limit stay as they are for the whole run.
    const other = await createTenant(t);
    const apiKey = await apiKeyFor(t, tenant.id);
    const mc = await MemberCenterClient.create(t, tenant.id);
    credentials = { admin: adminToken(), apiKey, tenantId: tenant.id, mc };
    secrets.push(apiKey, mc.secret, credentials.admin, tenant.editor);

    // Real ids so some cases get past "not found" into the handlers.
    const listId = randomUUID();
    const subscriberId = randomUUID();
    const event = {
      event_id: randomUUID(), event_type: 'subscription.activated', tenant_id: tenant.id, list_id: listId,
      subscriber: { id: subscriberId, email: 'fuzz@example.com', status: 'active' }, occurred_at: new Date().toISOString(),
    };
    expect((await mc.post('/webhooks/subscriptions', event)).status).toBeLessThan(300);
    const auth = { Authorization: `Bearer ${apiKey}` };
    const sub = await request(t.url).post('/v1/subscriptions').set(auth).send({ url: 'http://127.0.0.1:9/hook' });
    const ev = await request(t.url).post('/v1/events').set(auth).send({ type: 'order.created', payload: { a: 1 } });
    const job = await request(t.url).post('/api/send-jobs').set({ Authorization: `Bearer ${tenant.editor}` }).send({ list_id: listId, subject: 'Hi', body_text: 'x' });
    const oc = await request(t.url).post(`/api/tenants/${other.id}/member-center-clients`).set({ Authorization: `Bearer ${adminToken()}` }).send({});
    Object.entries({
      tenant: other.id, list: listId, subscriber: subscriberId, subscription: sub.body.id, event: ev.body.id, job: job.body.send_job_id,
      clientId: oc.body.client_id,
    }).forEach(([k, v]) => v && fixtures.set(k, v));

    const doc = buildOpenApi(t.app) as unknown as OpenApiDocument;
    ops = operationsOf(doc);
    const fields: Record<string, string | undefined> = { tenant_id: tenant.id, list_id: listId, subscription_id: sub.body.id, url: 'http://127.0.0.1:9/hook' };
    factory = new CaseFactory(doc, new Rng(SEED), (op, param) => fixtureFor(op, param), (name) => fields[name]);
  });
  afterAll(async () => t?.close());

  /** A real id for a path parameter, by what the path names; tenant ids under /api/tenants are the second tenant. */
  function fixtureFor(op: Operation, param: string): string | undefined {
    if (op.path.startsWith('/api/tenants/{id}') && param === 'id') return fixtures.get('tenant');
    if (param === 'clientId') return fixtures.get('clientId');
    const segment = op.path.split('/').slice(0, op.path.split('/').indexOf(`{${param}}`)).pop() ?? '';
    if (/lists/.test(segment)) return fixtures.get('list');
    if (/subscribers/.test(segment)) return fixtures.get('subscriber');
    if (/subscriptions/.test(segment)) return fixtures.get('subscription');
    if (/events/.test(segment)) return fixtures.get('event');
    if (/send-jobs/.test(segment)) return fixtures.get('job');
    return undefined;
  }

  /** The headers a real caller of this operation sends for these exact body bytes. */
  function headersFor(op: Operation, c: FuzzCase): Record<string, string> {
    const h: Record<string, string> = {};
    if (c.contentType) h['content-type'] = c.contentType;
    const body = c.body ?? '';
    if (c.label.startsWith('no credentials')) return h;
    if (op.security.includes('webhookSignature')) Object.assign(h, credentials.mc.headers(body), c.contentType ? { 'content-type': c.contentType } : {});
    else if (op.security.includes('sesSignature')) h['x-amz-sns-signature'] = flatSignature(body, SES_SECRET);
    else if (op.security.includes('ApiKeyAuth') && op.path.startsWith('/v1/')) h.authorization = `Bearer ${credentials.apiKey}`;
    else if (op.security.includes('bearerAuth')) {
      h.authorization = `Bearer ${credentials.admin}`;
      h['x-tenant-id'] = credentials.tenantId;
    }
    if (op.method === 'POST') h['idempotency-key'] = randomUUID();
    // Sometimes a hostile header too (header values cannot carry NUL or raw non-Latin-1 text, so these are ASCII).
    const roll = headerRng.next();
    if (roll < 0.05) h['idempotency-key'] = headerRng.pick(['', ' ', 'x'.repeat(5000), '../../x', 'a,b', '%00', 'key\twith-tab']);
    else if (roll < 0.08 && h['x-tenant-id']) h['x-tenant-id'] = headerRng.pick(['not-a-uuid', '00000000-0000-0000-0000-000000000000', credentials.tenantId.toUpperCase(), 'x'.repeat(3000)]);
    else if (roll < 0.1) h['x-request-id'] = headerRng.pick(['x'.repeat(3000), 'a b', '<script>', '']);
    return h;
  }

  async function send(op: Operation, c: FuzzCase): Promise<{ status: number; failure: Failure | null }> {
    const res = await fetch(`${t.url}${c.url}`, { method: c.method, headers: headersFor(op, c), body: c.body, signal: AbortSignal.timeout(30_000) });
    return { status: res.status, failure: await judge(op, c, res) };
  }

  /** Why this response fails the contract, or null. */
  async function judge(op: Operation, c: FuzzCase, res: Response): Promise<Failure | null> {
    const type = res.headers.get('content-type') ?? '';
    if (res.ok && STREAMING.test(type)) {
      await res.body?.cancel();
      return null;
    }
    const text = await res.text();
    const fail = (why: string): Failure => ({ op: `${op.method} ${op.path}`, label: c.label, status: res.status, why, body: text.slice(0, 300) });
    if (res.status >= 500) return fail('5xx');
    if (STACK_TRACE.test(text)) return fail('stack trace in the response');
    if (SQL.test(text)) return fail('SQL in the response');
    const leaked = secrets.find((s) => text.includes(s));
    if (leaked) return fail('a secret in the response');
    if (res.status >= 400) {
      if (!/^application\/problem\+json/.test(type)) return fail(`error with content-type ${type}`);
      let body: { status?: unknown; request_id?: unknown };
      try {
        body = JSON.parse(text);
      } catch {
        return fail('error body is not JSON');
      }
      if (!isProblem(body)) return fail(`error body is not a problem: ${ajv.errorsText(isProblem.errors)}`);
      if (body.status !== res.status || body.request_id !== res.headers.get('x-request-id')) return fail('problem status or request_id differs from the response');
    }
    return null;
  }

  it(`answers every case of every route without a 5xx, and every error as a clean problem (seed ${SEED})`, async () => {
    const failures: Failure[] = [];
    const counts: { route: string; cases: number; statuses: Record<number, number> }[] = [];
    let fivexx = 0;
    for (const op of ops) {
      // One case in twenty goes without credentials: the refusal must be a clean problem too.
      const cases = Array.from({ length: CASES_PER_ROUTE }, (_, i) => {
        const c = factory.next(op);
        return i % 20 === 19 ? { ...c, label: `no credentials, ${c.label}` } : c;
      });
      const statuses: Record<number, number> = {};
      for (let i = 0; i < cases.length; i += CONCURRENCY) {
        const results = await Promise.all(
          cases.slice(i, i + CONCURRENCY).map((c) =>
            send(op, c).catch((e: Error) => ({ status: 0, failure: { op: `${op.method} ${op.path}`, label: c.label, status: 0, why: `request failed: ${e.message}`, body: '' } })),
          ),
        );
        for (const { status, failure } of results) {
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status >= 500) fivexx++;
          if (failure) failures.push(failure);
        }
      }
      counts.push({ route: `${op.method} ${op.path}`, cases: cases.length, statuses });
    }
    const total = counts.reduce((n, c) => n + c.cases, 0);
    console.log(
      [`fuzz seed ${SEED}: ${counts.length} routes, ${total} cases, ${fivexx} answered 5xx, ${failures.length} failures`, ...counts.map((c) => `  ${String(c.cases).padStart(5)}  ${c.route.padEnd(60)} ${Object.entries(c.statuses).map(([s, n]) => `${s}×${n}`).join(' ')}`)].join('\n'),
    );
    if (failures.length) {
      const byRoute = new Map<string, Failure[]>();
      for (const f of failures) byRoute.set(`${f.op} ${f.why}`, [...(byRoute.get(`${f.op} ${f.why}`) ?? []), f]);
      console.log([...byRoute].map(([k, fs]) => `${k}: ${fs.length}\n${fs.slice(0, 3).map((f) => `    [${f.status}] ${f.label} → ${f.body}`).join('\n')}`).join('\n'));
    }
    expect(ops.length).toBeGreaterThan(30);
    expect(failures).toEqual([]);
  }, 15 * 60_000);
});
