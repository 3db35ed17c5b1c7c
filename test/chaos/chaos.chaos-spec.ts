import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { WebhookReceiver } from '../peers/webhook-receiver';
import { TEST_ENCRYPTION_KEY, TEST_JWT_SECRET, TestApp } from '../support/app';
import { createTenant } from '../support/auth';
import { apiKeyFor } from '../support/relay-contract';
import { SesPeer } from '../peers/ses-peer';
import { createJob, getJob, seedList, waitFor, waitForStatus } from '../support/send-jobs';
import { RUN_SLOTS } from '../../src/modules/send-jobs/send-jobs.producer';
import { MAX_LANES } from '../../src/modules/send-jobs/sending/send-job-runner';
import { startWorkerProcess, stopWorkerProcess } from '../support/worker-process';
import { PrivatePostgres, PrivateRedis, sparePort } from './private-servers';
import { flatSignature } from '../support/sns';

const SES_EVENTS_SECRET = 'chaos-flat-ses-secret-0123456789';

jest.setTimeout(600_000);

interface Row {
  scenario: string;
  events: number;
  kills: number;
  duplicates: number;
  lost: number;
  recoverySeconds: number | string;
}

/**
 * Faults against real processes: a private Postgres cluster and Redis server started here (so they can be
 * stopped, wiped and restarted), the api and worker roles as separate processes (src/main.ts and
 * test/peers/worker-main.ts), a local webhook receiver. Prints the figures as a table at the end.
 */
describe('chaos: kills, wipes and restarts lose nothing', () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;
  let receiver: WebhookReceiver;
  let api: ChildProcess;
  let apiUrl: string;
  let db: Client;
  let key: string;
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  const ses = new SesPeer();
  const workers: ChildProcess[] = [];
  const table: Row[] = [];
  let env: Record<string, string>;
  /** The killed campaign, for the step that resolves its `unknown` messages. */
  let killedCampaign = '';

  const startWorker = async () => {
    const w = await startWorkerProcess(env);
    workers.push(w);
    return w;
  };
  const post = (path: string, body: object) => request(apiUrl).post(path).set('Authorization', `Bearer ${key}`).send(body);

  /** Posts `n` events of `type` with 16 in flight; returns their ids. */
  async function ingest(type: string, n: number): Promise<string[]> {
    const ids: string[] = new Array(n);
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < n) {
          const i = next++;
          const res = await post('/v1/events', { type, payload: { i } });
          if (res.status !== 202) throw new Error(`ingest: ${res.status} ${JSON.stringify(res.body)}`);
          ids[i] = res.body.id;
        }
      }),
    );
    return ids;
  }

  /** Distinct deliveries the receiver saw on `path` and the requests beyond one per delivery. */
  function received(path: string): { distinct: number; duplicates: number } {
    const reqs = receiver.on(path);
    const distinct = new Set(reqs.map((r) => String(r.headers['webhook-id']))).size;
    return { distinct, duplicates: reqs.length - distinct };
  }

  async function notSucceeded(eventIds: string[]): Promise<number> {
    const r = await db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE event_id = ANY($1::uuid[]) AND status <> 'success'`, [eventIds]);
    return r.rows[0].n;
  }

  async function subscribe(name: string): Promise<void> {
    const res = await post('/v1/subscriptions', { url: receiver.url(`/${name}`), event_filter: `chaos.${name}` });
    if (res.status !== 201) throw new Error(`subscribe: ${res.status}`);
  }

  beforeAll(async () => {
    [pg, redis, receiver] = await Promise.all([PrivatePostgres.start(), PrivateRedis.start(), WebhookReceiver.start()]);
    const sesEndpoint = await ses.start();
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: pg.url(),
      DB_MIGRATE: 'false',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'chaos',
      JWT_SECRET: TEST_JWT_SECRET,
      APP_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION: '64',
      RATE_LIMIT_PER_MINUTE: '1000000',
      MAIL_TRANSPORT: 'ses',
      SES_ENDPOINT: sesEndpoint,
      SEND_RATE_PER_SECOND: '0',
      SES_EVENTS_HMAC_SECRET: SES_EVENTS_SECRET,
    };
    const port = await sparePort();
    apiUrl = `http://127.0.0.1:${port}`;
    // The api process creates the database and migrates it at boot.
    const apiEnv = { ...env, APP_ROLE: 'api', PORT: String(port), DB_MIGRATE: 'true' };
    api = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', '..', 'src/main.ts')], {
      cwd: join(__dirname, '..', '..'),
      env: { PATH: process.env.PATH, TS_NODE_PROJECT: join(__dirname, '..', '..', 'tsconfig.json'), ...apiEnv },
      stdio: 'ignore',
    });
    await waitFor(async () => (await request(apiUrl).get('/health/live').catch(() => ({ status: 0 }))).status, (s) => s === 200, 180_000);
    db = new Client({ connectionString: pg.url() });
    db.on('error', () => undefined); // its connection dies with the Postgres restart; a new one is made after
    await db.connect();
    t = { url: apiUrl, env: {} } as unknown as TestApp;
    tenant = await createTenant(t);
    key = await apiKeyFor(t, tenant.id);
  });

  afterAll(async () => {
    for (const w of workers) await stopWorkerProcess(w, 'SIGKILL');
    if (api) await stopWorkerProcess(api, 'SIGKILL');
    await db?.end().catch(() => undefined);
    await receiver?.close();
    await ses.stop();
    redis?.stopServer();
    pg?.destroy();
    const lines = [
      '| scenario | events | kills | duplicates | lost | recovery s |',
      '|---|---:|---:|---:|---:|---:|',
      ...table.map((r) => `| ${r.scenario} | ${r.events} | ${r.kills} | ${r.duplicates} | ${r.lost} | ${r.recoverySeconds} |`),
    ];
    process.stdout.write(`\nChaos figures\n${lines.join('\n')}\n`);
  });

  it('webhook deliveries: 2,000 events, the worker kill -9ed twice mid-run → every event delivered, duplicates bounded', async () => {
    await subscribe('kill');
    // Everything queued first, so work remains after each kill however fast ingest or delivery is on this machine.
    const events = await ingest('chaos.kill', 2000);
    let worker = await startWorker();
    const recoveries: number[] = [];
    for (const threshold of [500, 1200]) {
      await waitFor(async () => received('/kill').distinct, (n) => n >= threshold, 120_000);
      await stopWorkerProcess(worker, 'SIGKILL');
      const before = receiver.on('/kill').length;
      const killedAt = Date.now();
      worker = await startWorker();
      await waitFor(async () => receiver.on('/kill').length, (n) => n > before, 120_000);
      recoveries.push((Date.now() - killedAt) / 1000);
    }
    await waitFor(() => notSucceeded(events), (n) => n === 0, 180_000);
    const { distinct, duplicates } = received('/kill');
    expect(distinct).toBe(2000);
    // Only attempts in flight at a kill can be sent twice: at most the in-flight cap per kill.
    expect(duplicates).toBeLessThanOrEqual(2 * 64);
    table.push({ scenario: 'deliveries, worker kill -9 ×2', events: 2000, kills: 2, duplicates, lost: 2000 - distinct, recoverySeconds: Math.max(...recoveries).toFixed(1) });
  });

  it('campaign: 2,000 members, the worker kill -9ed mid-send → nobody emailed twice, unknown ≤ calls in flight, all listed', async () => {
    ses.delayMs = 20; // keeps provider calls in flight at the moment of the kill
    const { listId, members } = await seedList(db, tenant.id, 2000);
    const id = await createJob(t, tenant.editor, { list_id: listId, subject: 'Chaos', body_text: 'x' });
    killedCampaign = id;
    const emails = () => ses.emails.filter((e) => e.tags.send_job_id === id);
    await waitFor(async () => emails().length, (n) => n >= 600, 180_000);
    await stopWorkerProcess(workers[workers.length - 1], 'SIGKILL');
    const before = emails().length;
    const killedAt = Date.now();
    await startWorker();
    await waitFor(async () => emails().length, (n) => n > before, 120_000);
    const recovery = (Date.now() - killedAt) / 1000;
    const done = await waitForStatus(t, tenant.editor, id, ['completed', 'failed'], 300_000);
    expect(done.status).toBe('completed');
    const counts = new Map<string, number>();
    for (const e of emails()) counts.set(e.to[0], (counts.get(e.to[0]) ?? 0) + 1);
    const twice = [...counts.values()].filter((n) => n > 1).length;
    expect(twice).toBe(0);
    const unknown = await db.query<{ email: string }>(`SELECT email FROM send_job_messages WHERE send_job_id = $1 AND status = 'unknown'`, [id]);
    const unknownEmails = new Set(unknown.rows.map((r) => r.email));
    // A claim reserves 8 messages, but only the one a lane is calling the provider for (or whose answer it has
    // not yet written) is `sending`; the rest stay `pending` and go back to others: at most one per lane of the
    // run jobs the worker held. Not tighter: the kill can fall between a message's `begin` and its request.
    expect(unknownEmails.size).toBeLessThanOrEqual(RUN_SLOTS * MAX_LANES);
    for (const m of members) expect(counts.get(m.email) === 1 || unknownEmails.has(m.email)).toBe(true);
    expect((done.sent as number) + (done.unknown as number)).toBe(2000);
    const lost = members.filter((m) => !counts.has(m.email) && !unknownEmails.has(m.email)).length;
    table.push({ scenario: `campaign, worker kill -9 (${unknownEmails.size} unknown, listed)`, events: 2000, kills: 1, duplicates: twice, lost, recoverySeconds: recovery.toFixed(1) });
  });

  it('campaign kill -9, then the SES events arrive → every unknown message resolved sent', async () => {
    expect(killedCampaign).not.toBe('');
    const unknownOf = async () =>
      (await db.query<{ id: string; email: string }>(`SELECT id, email FROM send_job_messages WHERE send_job_id = $1 AND status = 'unknown'`, [killedCampaign])).rows;
    const unknown = await unknownOf();
    const startedAt = Date.now();
    // What the provider reports for a message it accepted: a delivery event carrying the engine's message id.
    for (const m of unknown) {
      const body = JSON.stringify({ event_type: 'delivery', message_id: m.id, tenant_id: tenant.id, email: m.email, occurred_at: new Date().toISOString() });
      const res = await request(apiUrl).post('/webhooks/ses').set('Content-Type', 'application/json').set('X-Amz-Sns-Signature', flatSignature(body, SES_EVENTS_SECRET)).send(body);
      expect(res.status).toBe(200);
    }
    const left = (await unknownOf()).length;
    expect(left).toBe(0);
    const job = await getJob(t, tenant.editor, killedCampaign);
    expect(job).toMatchObject({ sent: 2000, unknown: 0 });
    table.push({ scenario: `campaign kill -9, SES events for its ${unknown.length} unknown`, events: unknown.length, kills: 0, duplicates: 0, lost: left, recoverySeconds: ((Date.now() - startedAt) / 1000).toFixed(1) + ' (all sent)' });
  });

  it('Redis wiped (FLUSHALL) with the worker stopped, then Redis restarted mid-run → nothing lost, the reconciler re-enqueues', async () => {
    await subscribe('wipe');
    const worker = workers[workers.length - 1];
    worker.kill('SIGSTOP');
    const events = await ingest('chaos.wipe', 2000);
    redis.cli('FLUSHALL');
    const wipedAt = Date.now();
    worker.kill('SIGCONT');
    await waitFor(async () => received('/wipe').distinct, (n) => n >= 600, 180_000);
    redis.stopServer();
    redis.startServer();
    await waitFor(() => notSucceeded(events), (n) => n === 0, 240_000);
    const { distinct, duplicates } = received('/wipe');
    expect(distinct).toBe(2000);
    table.push({ scenario: 'deliveries, FLUSHALL + Redis restart', events: 2000, kills: 0, duplicates, lost: 2000 - distinct, recoverySeconds: ((Date.now() - wipedAt) / 1000).toFixed(1) + ' (all done)' });
  });

  it('Postgres restarted mid-run → 503 problems with Retry-After while down, /health/ready 200 within 10 s, nothing lost', async () => {
    await subscribe('pg');
    const first = await ingest('chaos.pg', 500);
    pg.stopServer();
    const down = await post('/v1/events', { type: 'chaos.pg', payload: {} });
    expect(down.status).toBe(503);
    expect(down.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(down.body).toMatchObject({ status: 503, error: 'service_unavailable' });
    expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
    expect((await request(apiUrl).get('/health/ready')).status).toBe(503);
    pg.startServer();
    const upAt = Date.now();
    await waitFor(async () => (await request(apiUrl).get('/health/ready')).status, (s) => s === 200, 10_000);
    const readySeconds = (Date.now() - upAt) / 1000;
    await db.end().catch(() => undefined);
    db = new Client({ connectionString: pg.url() });
    db.on('error', () => undefined);
    await db.connect();
    const second = await ingest('chaos.pg', 500);
    const events = [...first, ...second];
    await waitFor(() => notSucceeded(events), (n) => n === 0, 240_000);
    const { distinct, duplicates } = received('/pg');
    expect(distinct).toBe(1000);
    table.push({ scenario: 'deliveries, Postgres restart', events: 1000, kills: 0, duplicates, lost: 1000 - distinct, recoverySeconds: `${readySeconds.toFixed(1)} (ready)` });
  });
  it('two workers racing on one campaign and one delivery set → nobody emailed twice, every delivery delivered once', async () => {
    await subscribe('race');
    // All the work is queued while the running worker is paused, then it resumes as a second worker starts,
    // so both processes take the same queued runs and deliveries from the first moment.
    const first = workers[workers.length - 1];
    first.kill('SIGSTOP');
    const { listId, members } = await seedList(db, tenant.id, 1000);
    const [id, events] = await Promise.all([createJob(t, tenant.editor, { list_id: listId, subject: 'Race', body_text: 'x' }), ingest('chaos.race', 1000)]);
    const startedAt = Date.now();
    first.kill('SIGCONT');
    await startWorker();
    const done = await waitForStatus(t, tenant.editor, id, ['completed', 'failed'], 300_000);
    expect(done.status).toBe('completed');
    await waitFor(() => notSucceeded(events), (n) => n === 0, 240_000);
    const seconds = (Date.now() - startedAt) / 1000;
    const counts = new Map<string, number>();
    for (const e of ses.emails.filter((x) => x.tags.send_job_id === id)) counts.set(e.to[0], (counts.get(e.to[0]) ?? 0) + 1);
    const twice = [...counts.values()].filter((n) => n > 1).length;
    expect(twice).toBe(0);
    expect(members.every((m) => counts.get(m.email) === 1)).toBe(true);
    expect(done).toMatchObject({ sent: 1000, unknown: 0 });
    const { distinct, duplicates } = received('/race');
    expect(distinct).toBe(1000);
    // No kill here: nothing was in flight twice, so no delivery is sent twice.
    expect(duplicates).toBe(0);
    table.push({ scenario: 'two workers racing: campaign 1,000 members + 1,000 deliveries', events: 2000, kills: 0, duplicates: twice + duplicates, lost: 1000 - counts.size + 1000 - distinct, recoverySeconds: `${seconds.toFixed(1)} (all done)` });
  });
});
