import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { buildOpenApi } from '../src/common/ops/swagger';
import { CaseFactory, OpenApiDocument, operationsOf, Rng } from './fuzz/openapi-cases';
import { createTestApp, TEST_ENCRYPTION_KEY, TEST_JWT_SECRET, TestApp } from './support/app';
import { adminToken, apiKeyFor, createTenant } from './support/auth';
import { MemberCenterClient } from './support/member-center';
import { flatSignature } from './support/sns';
import { stopWorkerProcess } from './support/worker-process';

const ROOT = join(__dirname, '..');
const SES_SECRET = `ses-${randomBytes(16).toString('hex')}`;
const METRICS_TOKEN = `metrics-${randomBytes(16).toString('hex')}`;
/** Sent where credentials travel (bearer, ?key=, ?token=, custom headers): must never reach a log line. */
const MARKER = `whk_live_MARKER${randomBytes(12).toString('hex')}`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A real api process (src/main.ts, LOG_LEVEL=info, every request logged: LOG_REQUEST_SAMPLE=1) whose stdout is captured; every route of the OpenAPI document
 * is called with real credentials and a marker secret in every place a credential can travel, and the captured
 * log must contain none of them.
 */
describe('no secret in any log line', () => {
  let t: TestApp;
  let api: ChildProcess;
  let url: string;
  let log = '';

  beforeAll(async () => {
    t = await createTestApp({ env: { SES_EVENTS_HMAC_SECRET: SES_SECRET } });
    const port = await freePort();
    api = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src/main.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), NODE_ENV: 'test', APP_ROLE: 'api', PORT: String(port),
        LOG_LEVEL: 'info', LOG_REQUEST_SAMPLE: '1', DATABASE_URL: t.env.DATABASE_URL, DB_MIGRATE: 'false', REDIS_URL: t.env.REDIS_URL,
        REDIS_KEY_PREFIX: t.env.REDIS_KEY_PREFIX, JWT_SECRET: TEST_JWT_SECRET, APP_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        SES_EVENTS_HMAC_SECRET: SES_SECRET, METRICS_TOKEN, WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8', WEBHOOK_ALLOW_HTTP: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    api.stdout!.on('data', (c: Buffer) => (log += c.toString()));
    api.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const up = await fetch(`${url}/health/live`).then((r) => r.ok).catch(() => false);
      if (up) break;
      if (i > 600 || api.exitCode !== null) throw new Error(`api process did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 180_000);
  afterAll(async () => {
    if (api) await stopWorkerProcess(api);
    await t?.close();
  });

  it('drives every route with real credentials and a marker secret; the captured log holds neither', async () => {
    const tenant = await createTenant(t);
    const apiKey = await apiKeyFor(t, tenant.id);
    const mc = await MemberCenterClient.create(t, tenant.id);
    const admin = adminToken();
    const oc = await request(t.url).post(`/api/tenants/${tenant.id}/oauth-clients`).set('Authorization', `Bearer ${admin}`).send({ scopes: ['webhooks:write'] }).expect(201);
    const secrets = [MARKER, apiKey, admin, tenant.editor, mc.secret, oc.body.client_secret, SES_SECRET, METRICS_TOKEN, TEST_JWT_SECRET, TEST_ENCRYPTION_KEY];

    const doc = buildOpenApi(t.app) as unknown as OpenApiDocument;
    const ops = operationsOf(doc);
    const factory = new CaseFactory(doc, new Rng(5), () => undefined, (name) => (name === 'tenant_id' ? tenant.id : undefined));
    const markerQuery = `key=${MARKER}&token=${MARKER}&access_token=${MARKER}&client_secret=${MARKER}&api_key=${MARKER}`;
    const markerHeaders = { 'x-api-key': MARKER, 'x-custom-secret': MARKER, 'x-auth-token': MARKER, cookie: `session=${MARKER}` };
    let requests = 0;

    for (const op of ops) {
      const path = op.path.replace(/\{(\w+)\}/g, (_m, p: string) => (p === 'id' && op.path.startsWith('/api/tenants') ? tenant.id : randomUUID()));
      const body = op.bodySchema ? JSON.stringify(factory.valid(op.bodySchema)) : undefined;
      const credential: Record<string, string> = {};
      if (op.security.includes('webhookSignature')) Object.assign(credential, mc.headers(body ?? ''));
      else if (op.security.includes('sesSignature')) credential['x-amz-sns-signature'] = flatSignature(body ?? '', SES_SECRET);
      else if (op.security.includes('ApiKeyAuth') && op.path.startsWith('/v1/')) credential.authorization = `Bearer ${apiKey}`;
      else if (op.security.includes('bearerAuth')) Object.assign(credential, { authorization: `Bearer ${admin}`, 'x-tenant-id': tenant.id });
      const variants: Record<string, string>[] = [
        { ...credential, ...markerHeaders },
        { ...markerHeaders, authorization: `Bearer ${MARKER}` },
        { authorization: `Basic ${Buffer.from(`${oc.body.client_id}:${oc.body.client_secret}`).toString('base64')}` },
      ];
      for (const headers of variants) {
        const res = await fetch(`${url}${path}?${markerQuery}`, {
          method: op.method,
          headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await res.body?.cancel();
        requests++;
      }
    }
    // Credentials that travel in query strings by design: the SSE key, Bull Board's token, the metrics bearer.
    for (const [path, headers] of [
      [`/v1/echo/stream?key=${apiKey}`, {}],
      [`/admin/queues?token=${admin}`, {}],
      ['/admin/queues', { cookie: `se_board=${admin}` }],
      ['/metrics', { authorization: `Bearer ${METRICS_TOKEN}` }],
    ] as [string, Record<string, string>][]) {
      const res = await fetch(`${url}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
      await res.body?.cancel();
      requests++;
    }
    const form = `grant_type=client_credentials&client_id=${oc.body.client_id}&client_secret=${oc.body.client_secret}`;
    const token = await fetch(`${url}/oauth/token?client_secret=${oc.body.client_secret}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    const accessToken = ((await token.json()) as { access_token: string }).access_token;
    secrets.push(accessToken);
    await (await fetch(`${url}/api/lists?access_token=${accessToken}`, { headers: { authorization: `Bearer ${accessToken}` } })).body?.cancel();
    requests += 2;

    await new Promise((r) => setTimeout(r, 500)); // let the last log lines reach the pipe
    const lines = log.split('\n').filter(Boolean);
    const requestLines = lines.filter((l) => l.includes('"req"'));
    console.log(`log secrets: ${ops.length} routes, ${requests} requests, ${lines.length} log lines captured (${requestLines.length} request logs)`);
    expect(requestLines.length).toBeGreaterThanOrEqual(requests);
    expect(log).toContain('[Redacted]');
    const leaks = secrets.filter((s) => log.includes(s)).map((s) => `${s.slice(0, 12)}… in: ${lines.find((l) => l.includes(s))?.slice(0, 300)}`);
    expect(leaks).toEqual([]);
  }, 180_000);
});
