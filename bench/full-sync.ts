/**
 * Full-sync throughput: 100,000 subscribers in 100 signed batches of 1,000 posted over HTTP to the running app
 * (several in flight), then a second pass that updates all of them. The ceiling is the same rows upserted by a
 * bare `pg` loop with the same statements (upsertSyncRows), one transaction per batch, on its own fresh database.
 * A third scenario imports 100,000 new members as one CSV upload (`POST /api/lists/{id}/imports`), which writes
 * through the same statements; it is compared with the same insert ceiling and with full-sync pass 1.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Pool } from 'undici';
import { AppModule } from '../src/app.module';
import { signToken } from '../src/common/auth/token-issuer';
import { configureApp, createFastifyAdapter } from '../src/configure-app';
import { loadEnv } from '../src/config/load-env';
import { ensureDatabase, runMigrations } from '../src/database/prepare-database';
import { SubscriberRow } from '../src/modules/subscribers/full-sync-rules';
import { upsertSyncRows } from '../src/modules/subscribers/full-sync.repository';
import { signMemberCenterRequest } from '../src/modules/subscribers/member-center-signature';
import { CredentialsService } from '../src/modules/tenants/credentials.service';
import { TenantsService } from '../src/modules/tenants/tenants.service';

const TOTAL = 100_000;
const BATCH = 1_000;
const IN_FLIGHT = 4;
const ADMIN_URL = process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function dbUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** The subscribers of both passes: same ids, the second pass changes email and preferences. */
function population(): SubscriberRow[][] {
  const ids = Array.from({ length: TOTAL }, () => randomUUID());
  return [1, 2].map((pass) =>
    ids.map((id, i) => ({ id, email: `user${i}.v${pass}@bench.example`, status: 'active' as const, preferences: { pass, locale: 'en', topics: ['news'] } })),
  );
}

function batches<T>(rows: T[]): T[][] {
  return Array.from({ length: Math.ceil(rows.length / BATCH) }, (_, i) => rows.slice(i * BATCH, (i + 1) * BATCH));
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Posts every batch of one sync, IN_FLIGHT at a time; each body is signed right before it is sent. */
async function httpPass(pool: Pool, mc: { clientId: string; secret: string }, tenantId: string, listId: string, rows: SubscriberRow[], occurredAt: Date) {
  const syncId = randomUUID();
  const parts = batches(rows);
  const bodies = parts.map((subscribers, i) =>
    JSON.stringify({
      sync_id: syncId,
      batch_no: i + 1,
      batch_total: parts.length,
      tenant_id: tenantId,
      list_id: listId,
      subscribers,
      occurred_at: occurredAt.toISOString(),
    }),
  );
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = randomUUID();
      const res = await pool.request({
        method: 'POST',
        path: '/webhooks/lists/full-sync',
        headers: {
          'content-type': 'application/json',
          'x-client-id': mc.clientId,
          'x-timestamp': timestamp,
          'x-nonce': nonce,
          'x-signature': signMemberCenterRequest(mc.secret, timestamp, nonce, body),
        },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`batch failed: ${res.statusCode} ${text}`);
    }
  };
  return timed(() => Promise.all(Array.from({ length: IN_FLIGHT }, worker)).then(() => undefined));
}

/** One CSV upload of `rows` new members into a new list, by an editor of the tenant; the import must be complete. */
async function importPass(pool: Pool, token: string, rows: number) {
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const list = await pool.request({ method: 'POST', path: '/api/lists', headers: auth, body: JSON.stringify({ name: 'bench import' }) });
  const { id } = (await list.body.json()) as { id: string };
  const csv = ['email,first_name', ...Array.from({ length: rows }, (_, i) => `import${i}@bench.example,Member ${i}`)].join('\n');
  let result = '';
  const seconds = await timed(async () => {
    const res = await pool.request({ method: 'POST', path: `/api/lists/${id}/imports`, headers: { ...auth, 'content-type': 'text/csv' }, body: csv });
    result = await res.body.text();
    if (res.statusCode !== 201) throw new Error(`import failed: ${res.statusCode} ${result}`);
  });
  const done = JSON.parse(result) as { rows_imported: number };
  if (done.rows_imported !== rows) throw new Error(`import wrote ${done.rows_imported} of ${rows} rows`);
  return seconds;
}

/** The ceiling: the same statements over a bare pg connection, one transaction per batch, in a loop. */
async function ceilingPass(client: Client, tenantId: string, listId: string, rows: SubscriberRow[], occurredAt: Date) {
  const syncId = randomUUID();
  const query = (sql: string, params: unknown[]) => client.query(sql, params).then((r) => r.rows);
  return timed(async () => {
    for (const part of batches(rows)) {
      const sorted = [...part].sort((a, b) => (a.id < b.id ? -1 : 1));
      await client.query('BEGIN');
      await upsertSyncRows(query, { tenantId, listId, syncId, occurredAt, rows: sorted });
      await client.query('COMMIT');
    }
  });
}

export async function run(): Promise<void> {
  const suffix = randomBytes(4).toString('hex');
  const appDb = `se_bench_fullsync_app_${suffix}`;
  const ceilDb = `se_bench_fullsync_ceil_${suffix}`;
  await ensureDatabase(dbUrl(appDb));
  await runMigrations(dbUrl(appDb));
  await admin(`CREATE DATABASE "${ceilDb}" TEMPLATE "${appDb}"`);

  const env = loadEnv(
    {
      NODE_ENV: 'test',
      APP_ROLE: 'api',
      LOG_LEVEL: 'silent',
      DATABASE_URL: dbUrl(appDb),
      DB_MIGRATE: 'false',
      REDIS_URL,
      REDIS_KEY_PREFIX: `se_bench_${suffix}`,
      JWT_SECRET: randomBytes(32).toString('hex'),
      APP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    },
    '/nonexistent/.env',
  );
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(env), createFastifyAdapter(), { rawBody: true, logger: false });
  const ceiling = new Client({ connectionString: dbUrl(ceilDb) });
  let pool: Pool | undefined;
  try {
    await configureApp(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.getHttpServer().address() as { port: number };
    pool = new Pool(`http://127.0.0.1:${port}`, { connections: IN_FLIGHT });

    const tenant = await app.get(TenantsService).create({ name: `bench ${suffix}` });
    const client = await app.get(CredentialsService).createMemberCenterClient(tenant.id, {});
    const mc = { clientId: client.client_id, secret: client.secret };
    const [first, second] = population();
    const listId = randomUUID();

    const http1 = await httpPass(pool, mc, tenant.id, listId, first, new Date(Date.now() - 60_000));
    const http2 = await httpPass(pool, mc, tenant.id, listId, second, new Date());
    const editor = signToken(env.JWT_SECRET as string, { subject: 'bench', tenantId: tenant.id, roles: ['editor'], ttlSeconds: 3600 }, {});
    const csvImport = await importPass(pool, editor, TOTAL);

    await ceiling.connect();
    const [ceilTenant] = (await ceiling.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'ceiling', $2) RETURNING id`, [randomUUID(), `ceiling-${suffix}`])).rows as { id: string }[];
    const ceilList = randomUUID();
    await ceiling.query('INSERT INTO lists (tenant_id, id) VALUES ($1, $2)', [ceilTenant.id, ceilList]);
    const ceil1 = await ceilingPass(ceiling, ceilTenant.id, ceilList, first, new Date(Date.now() - 60_000));
    const ceil2 = await ceilingPass(ceiling, ceilTenant.id, ceilList, second, new Date());

    const rate = (s: number) => Math.round(TOTAL / s);
    const line = (name: string, app: number, ceil: number) =>
      console.log(
        `${name.padEnd(14)} app ${String(rate(app)).padStart(7)} subscribers/s (${app.toFixed(2)} s)   ` +
          `ceiling ${String(rate(ceil)).padStart(7)} subscribers/s (${ceil.toFixed(2)} s)   ratio ${(ceil / app).toFixed(2)}x`,
      );
    console.log(`full-sync: ${TOTAL} subscribers, ${TOTAL / BATCH} batches of ${BATCH}, ${IN_FLIGHT} in flight (target ratio >= 0.40x)`);
    line('pass 1 insert', http1, ceil1);
    line('pass 2 update', http2, ceil2);
    line('CSV import', csvImport, ceil1);
    console.log(`CSV import vs full-sync pass 1: ${(http1 / csvImport).toFixed(2)}x the full-sync rate`);
  } finally {
    await pool?.close();
    await ceiling.end().catch(() => undefined);
    await app.close();
    await admin(`DROP DATABASE IF EXISTS "${appDb}" WITH (FORCE)`);
    await admin(`DROP DATABASE IF EXISTS "${ceilDb}" WITH (FORCE)`);
  }
}
