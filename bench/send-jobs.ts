/**
 * Campaign sending throughput.
 * 1. 100,000-member list, one job, `ses` transport against a local SES-v2-compatible endpoint that answers at
 *    once, rate limit off: emails/s from `running` to `completed` (the job's started_at → completed_at), vs the
 *    ceiling: a bare `SESv2Client.send(SendEmailCommand)` loop with the same concurrency to the same endpoint.
 * 2. Rate limit 200/s with 2 worker processes: the measured send rate vs 200/s.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import { loadEnv } from '../src/config/load-env';
import { ensureDatabase, runMigrations } from '../src/database/prepare-database';
import { RUN_SLOTS } from '../src/modules/send-jobs/send-jobs.producer';
import { MAX_LANES } from '../src/modules/send-jobs/sending/send-job-runner';
import { SesPeer } from '../test/peers/ses-peer';
import { sesCeiling } from './_ses-ceiling';
import { startWorkerProcess, stopWorkerProcess } from '../test/support/worker-process';
import { cpuSnapshot } from './_harness';

// BENCH_SEND_JOBS_MEMBERS shrinks the list on a machine too busy for 100k in a few minutes (the figure is a rate).
const TOTAL = Number(process.env.BENCH_SEND_JOBS_MEMBERS ?? 100_000);
const RATED_TOTAL = 3_000;
const RATE = 200;
const CONCURRENCY = RUN_SLOTS * MAX_LANES;
const ADMIN_URL = process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEY = Buffer.alloc(32, 9).toString('base64');
const JWT = 'bench-jwt-secret-0123456789-0123456789-abcdef';

function dbUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A tenant, a list of `members` active subscribers and one pending send job due now, all set-based SQL. */
async function seedJob(db: Client, members: number, ratePerSecond: number): Promise<string> {
  const tenantId = randomUUID();
  const listId = randomUUID();
  const jobId = randomUUID();
  await db.query(`INSERT INTO tenants (id, name, slug, settings) VALUES ($1, 'bench', $2, $3)`, [
    tenantId,
    `bench-${tenantId.slice(0, 8)}`,
    { send_rate_per_second: ratePerSecond },
  ]);
  await db.query(`INSERT INTO lists (tenant_id, id) VALUES ($1, $2)`, [tenantId, listId]);
  await db.query(
    `INSERT INTO subscribers (tenant_id, id, email, status, preferences, last_occurred_at)
     SELECT $1, gen_random_uuid(), 'user' || g || '-' || $2 || '@bench.example', 'active', '{"name": "Bench"}', now() FROM generate_series(1, $3) g`,
    [tenantId, jobId.slice(0, 8), members],
  );
  await db.query(
    `INSERT INTO list_memberships (id, tenant_id, list_id, subscriber_id, status, last_occurred_at)
     SELECT gen_random_uuid(), $1, $2, id, 'active', now() FROM subscribers WHERE tenant_id = $1`,
    [tenantId, listId],
  );
  await db.query(
    `INSERT INTO send_jobs (id, tenant_id, list_id, campaign_id, subject, body_html, start_at, status)
     VALUES ($1, $2, $3, $1, 'Bench {{subscriber.preferences.name}}', '<p>Hello {{subscriber.email}}, <a href="{{unsubscribe_url}}">unsubscribe</a></p>', now(), 'pending')`,
    [jobId, tenantId, listId],
  );
  return jobId;
}

async function waitDone(db: Client, jobId: string): Promise<{ status: string; started_at: Date; completed_at: Date }> {
  for (;;) {
    const { rows } = await db.query(`SELECT status, started_at, completed_at FROM send_jobs WHERE id = $1`, [jobId]);
    if (!['pending', 'running'].includes(rows[0].status)) return rows[0];
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function run(): Promise<void> {
  const suffix = randomBytes(4).toString('hex');
  const dbName = `se_bench_sj_${suffix}`;
  const url = dbUrl(dbName);
  await ensureDatabase(url);
  await runMigrations(url);
  const db = new Client({ connectionString: url });
  await db.connect();
  const ses = new SesPeer(false);
  const endpoint = await ses.start();
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: url,
    DB_MIGRATE: 'false',
    REDIS_URL,
    REDIS_KEY_PREFIX: `se_bench_${suffix}`,
    JWT_SECRET: JWT,
    APP_ENCRYPTION_KEY: KEY,
    MAIL_TRANSPORT: 'ses',
    SES_ENDPOINT: endpoint,
    SEND_RATE_PER_SECOND: '0',
  };
  try {
    // Scenario 1: one in-process worker, rate limit off.
    // The ceiling is measured before and after the engine run; the higher one is used (a conservative ratio on a
    // machine whose load changes during the run).
    const ceilingBefore = await sesCeiling(endpoint, 10, CONCURRENCY);
    const app = await NestFactory.createApplicationContext(AppModule.register(loadEnv({ ...env, APP_ROLE: 'worker' }, '/nonexistent/.env')), { logger: false });
    await app.init();
    const jobId = await seedJob(db, TOTAL, 0);
    const cpuBefore = { bench: process.cpuUsage(), procs: cpuSnapshot() };
    const done = await waitDone(db, jobId);
    const cpuAfter = { bench: process.cpuUsage(cpuBefore.bench), procs: cpuSnapshot() };
    await app.close();
    const ceilingRate = Math.max(ceilingBefore, await sesCeiling(endpoint, 10, CONCURRENCY));
    const seconds = (done.completed_at.getTime() - done.started_at.getTime()) / 1000;
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM send_job_messages WHERE send_job_id = $1 AND status = 'sent'`, [jobId]);
    const rate = rows[0].n / seconds;
    console.log(`send job, ${TOTAL} members, rate limit off, ${CONCURRENCY} concurrent calls: ${done.status}, ${rows[0].n} sent in ${seconds.toFixed(1)} s`);
    console.log(`  engine  ${rate.toFixed(0)} emails/s (running → completed, incl. materialising the recipients)`);
    console.log(`  ceiling ${ceilingRate.toFixed(0)} emails/s (bare SESv2Client SendEmail loop, same concurrency, same endpoint)`);
    console.log(`  ratio   ${(rate / ceilingRate).toFixed(2)} (target ≥ 0.40)`);
    // CPU per email is steadier than emails/s on a shared machine. Postgres is every backend on the host.
    const perEmail = (seconds: number) => ((seconds * 1000) / rows[0].n).toFixed(2);
    const pg = (cpuAfter.procs.byName.get('postgres') ?? 0) - (cpuBefore.procs.byName.get('postgres') ?? 0);
    const bench = (cpuAfter.bench.user + cpuAfter.bench.system) / 1e6;
    console.log(`  CPU ms per email: engine + SES peer (this process) ${perEmail(bench)}, postgres (all on the host) ${perEmail(pg)}`);

    // Scenario 2: two worker processes sharing the tenant's 200/s limit through Redis.
    const workers = await Promise.all([startWorkerProcess(env), startWorkerProcess(env)]);
    try {
      const rated = await seedJob(db, RATED_TOTAL, RATE);
      const end = await waitDone(db, rated);
      const r = await db.query(
        `SELECT count(*)::int AS n, extract(epoch FROM max(sent_at) - min(sent_at))::float8 AS span,
                count(DISTINCT claimed_by)::int AS workers
         FROM send_job_messages WHERE send_job_id = $1 AND status = 'sent'`,
        [rated],
      );
      const measured = (r.rows[0].n - 1) / r.rows[0].span;
      console.log(`send job, ${RATED_TOTAL} members, tenant rate ${RATE}/s, 2 worker processes (${r.rows[0].workers} sent): ${end.status}`);
      console.log(`  measured ${measured.toFixed(1)} emails/s (first → last provider acceptance), ${((measured / RATE - 1) * 100).toFixed(1)} % from ${RATE}/s (target ±5 %)`);
    } finally {
      await Promise.all(workers.map((w) => stopWorkerProcess(w)));
    }
  } finally {
    await db.end();
    await ses.stop();
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${env.REDIS_KEY_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}
