/**
 * `npm run bench -- webhooks`: (a) end-to-end deliveries/s for 20,000 events × 1 subscription vs a bare undici
 * POST loop with the same concurrency to the same receiver; (b) `POST /v1/events` latency at an even 1,000
 * events/s for 30 s (open loop, bench/_load.ts) vs a bare Fastify hello route. The engine, the receiver and the
 * hello route run as separate processes so the load generator never shares an event loop with what it measures.
 */
import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { Pool } from 'undici';
import { signToken } from '../src/common/auth/token-issuer';
import { fixedRate, FixedRateResult } from './_load';

export const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 20_000);
/** In-flight deliveries: the per-subscription cap, and the ceiling loop's concurrency. */
export const CONCURRENCY = Number(process.env.BENCH_WEBHOOK_CONCURRENCY ?? 10);
const RATE = 1000;
const DURATION_S = 30;
export const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const JWT_SECRET = randomBytes(32).toString('hex');
/** Shared by the api and worker processes (the worker opens the secrets the api sealed). */
const ENCRYPTION_KEY = randomBytes(32).toString('base64');

export interface Peer {
  child: ChildProcess;
  port: number;
}

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export function forkPeer(file: string, env: Record<string, string> = {}, args: string[] = []): Promise<Peer> {
  const child = fork(join(__dirname, file), args, { execArgv: ['-r', 'ts-node/register/transpile-only'], env: { ...process.env, ...env }, stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

export function ask<T>(peer: Peer, msg: string): Promise<T> {
  return new Promise((resolve) => {
    peer.child.once('message', (m: T) => resolve(m));
    peer.child.send(msg);
  });
}

/** Polls the receiver until it has counted `expected` requests or `timeoutMs` passed; says so when it falls short. */
export async function waitForReceived(peer: Peer, expected: number, timeoutMs: number, what = 'delivered'): Promise<{ count: number; last: number }> {
  let stats = await ask<{ count: number; last: number }>(peer, 'stats');
  const deadline = Date.now() + timeoutMs;
  while (stats.count < expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    stats = await ask(peer, 'stats');
  }
  if (stats.count < expected) console.log(`  (only ${stats.count}/${expected} ${what} before the deadline)`);
  return stats;
}

/**
 * Boots the real engine (src/main.ts) on a fresh database in the deployment shape the README describes: an `api`
 * process (which migrates) and a `worker` process, so ingest and delivery do not share one event loop and pool.
 */
export async function startEngine(dbUrl: string, port: number, prefix: string): Promise<ChildProcess[]> {
  const api = await startProcess('api', dbUrl, port, prefix);
  const worker = await startProcess('worker', dbUrl, await freePort(), prefix);
  return [api, worker];
}

async function startProcess(role: 'api' | 'worker', dbUrl: string, port: number, prefix: string): Promise<ChildProcess> {
  // BENCH_CPU_PROF=<dir>: each engine process writes a V8 CPU profile there when it stops (see bench/_profile.ts).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, `--cpu-prof-name=${role}-${Date.now()}.cpuprofile`] : [];
  const child = fork(join(__dirname, '../src/main.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only', ...profile],
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_ENV: 'development',
      APP_ROLE: role,
      PORT: String(port),
      LOG_LEVEL: 'error',
      DATABASE_URL: dbUrl,
      DB_MIGRATE: role === 'api' ? 'true' : 'false',
      REDIS_URL: REDIS,
      REDIS_KEY_PREFIX: prefix,
      JWT_SECRET,
      APP_ENCRYPTION_KEY: ENCRYPTION_KEY,
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION: String(CONCURRENCY),
      RATE_LIMIT_PER_MINUTE: '10000000',
    },
  });
  if (role === 'worker') {
    await new Promise((r) => setTimeout(r, 8000)); // no HTTP listener to probe; give it time to attach to the queue
    return child;
  }
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error('engine exited during boot');
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false);
    if (ok) return child;
    if (Date.now() > deadline) throw new Error('engine did not become ready');
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A tenant, its API key and one subscription (`*`) to the receiver. */
async function setUp(base: string, receiverPort: number): Promise<string> {
  const admin = signToken(JWT_SECRET, { subject: 'bench', tenantId: null, roles: ['admin'], ttlSeconds: 3600 });
  const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const tenant = await json<{ id: string }>(await fetch(`${base}/api/tenants`, { method: 'POST', headers: headers(admin), body: JSON.stringify({ name: `bench ${Date.now()}` }) }));
  const { key } = await json<{ key: string }>(
    await fetch(`${base}/api/tenants/${tenant.id}/api-keys`, { method: 'POST', headers: headers(admin), body: JSON.stringify({ environment: 'test' }) }),
  );
  await json(await fetch(`${base}/v1/subscriptions`, { method: 'POST', headers: headers(key), body: JSON.stringify({ url: `http://127.0.0.1:${receiverPort}/hook`, event_filter: '*' }) }));
  return key;
}

/** CPU seconds (user + system) used so far by each process, by pid and by command name (Linux /proc). */
export function cpuSnapshot(): { byPid: Map<number, number>; byName: Map<string, number> } {
  const byPid = new Map<number, number>();
  const byName = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
      byPid.set(Number(pid), seconds);
      byName.set(name, (byName.get(name) ?? 0) + seconds);
    } catch {
      // the process ended while we looked
    }
  }
  return { byPid, byName };
}

/** CPU ms per event of each part of the pipeline between two snapshots. */
export function cpuPerEvent(before: ReturnType<typeof cpuSnapshot>, after: ReturnType<typeof cpuSnapshot>, parts: Record<string, number>, events: number): string {
  const ms = (a: number, b: number) => (((b - a) * 1000) / events).toFixed(2);
  const byPid = Object.entries(parts).map(([label, pid]) => `${label} ${ms(before.byPid.get(pid) ?? 0, after.byPid.get(pid) ?? 0)}`);
  const byName = ['postgres', 'redis-server'].map((n) => `${n} ${ms(before.byName.get(n) ?? 0, after.byName.get(n) ?? 0)}`);
  return [...byPid, ...byName].join(', ');
}

/** Runs `total` tasks with `concurrency` workers. */
export async function loop(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await task(next++);
  }));
}

export async function ceilingLoop(receiverPort: number): Promise<number> {
  const pool = new Pool(`http://127.0.0.1:${receiverPort}`, { connections: CONCURRENCY });
  const body = JSON.stringify({ id: 'x', type: 'bench.event', created_at: new Date().toISOString(), data: { n: 1 } });
  const started = performance.now();
  await loop(EVENTS, CONCURRENCY, async () => {
    const res = await pool.request({ path: '/ceiling', method: 'POST', body, headers: { 'content-type': 'application/json' } });
    await res.body.dump();
  });
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return EVENTS / seconds;
}

async function engineThroughput(base: string, key: string, receiver: Peer): Promise<{ perSecond: number; ingestPerSecond: number }> {
  await ask(receiver, 'reset');
  const pool = new Pool(base, { connections: 32 });
  const started = Date.now();
  await loop(EVENTS, 32, async (i) => {
    const res = await pool.request({
      path: '/v1/events', method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'bench.event', payload: { n: i } }),
    });
    if (res.statusCode !== 202) throw new Error(`ingest answered ${res.statusCode}: ${await res.body.text()}`);
    await res.body.dump();
  });
  const ingestSeconds = (Date.now() - started) / 1000;
  await pool.close();
  const stats = await waitForReceived(receiver, EVENTS, 180_000);
  return { perSecond: stats.count / ((stats.last - started) / 1000), ingestPerSecond: EVENTS / ingestSeconds };
}

/** POSTs at an even RATE per second for DURATION_S seconds (open loop: latency counts from each request's due time). */
function latency(url: string, path: string, headers: Record<string, string>, body: (i: number) => string): Promise<FixedRateResult> {
  return fixedRate({ url, path, rate: RATE, durationS: DURATION_S, headers, body });
}

export async function run(): Promise<void> {
  const dbName = `se_bench_wh_${randomBytes(3).toString('hex')}`;
  const dbUrl = PG.replace(/\/[^/]*$/, `/${dbName}`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const prefix = `se_bench_${randomBytes(3).toString('hex')}`;
  const children: ChildProcess[] = [];
  try {
    const receiver = await forkPeer('_receiver.ts');
    const hello = await forkPeer('_hello.ts');
    children.push(receiver.child, hello.child);
    const [api, worker] = await startEngine(dbUrl, port, prefix);
    children.push(api, worker);
    const key = await setUp(base, receiver.port);
    console.log(`(a) ${EVENTS} events × 1 subscription, ${CONCURRENCY} in flight, receiver answers 200 at once`);
    const ceiling = await ceilingLoop(receiver.port);
    console.log(`  ceiling (bare undici POST loop, concurrency ${CONCURRENCY}): ${ceiling.toFixed(0)} req/s`);
    const cpuBefore = cpuSnapshot();
    const engineRun = await engineThroughput(base, key, receiver);
    const parts = { api: api.pid ?? 0, worker: worker.pid ?? 0, receiver: receiver.child.pid ?? 0, 'load generator': process.pid };
    const cpu = cpuPerEvent(cpuBefore, cpuSnapshot(), parts, EVENTS);
    console.log(`  engine, first ingest → last receipt: ${engineRun.perSecond.toFixed(0)} deliveries/s (ingest alone ${engineRun.ingestPerSecond.toFixed(0)} events/s)`);
    console.log(`  ratio: ${(engineRun.perSecond / ceiling).toFixed(2)} × ceiling (target ≥ 0.25)`);
    console.log(`  CPU ms per event (2 cores = 2,000 ms/s in all): ${cpu}`);

    // (a) shows the whole pipeline's capacity on this machine is below 1,000 events/s, so with the worker
    // delivering on the same cores (b) would measure an overloaded machine, not the API. The worker is stopped
    // (SIGSTOP) for (b), as if on its own host; the deliveries wait in Postgres and Redis meanwhile.
    console.log(`(b) POST /v1/events at an even ${RATE}/s for ${DURATION_S} s (open loop, latency from each request's due time; worker process stopped) vs a bare Fastify hello route`);
    const helloRes = await latency(`http://127.0.0.1:${hello.port}`, '/hello', {}, () => '{}');
    worker.kill('SIGSTOP');
    const ingest = await latency(base, '/v1/events', { authorization: `Bearer ${key}` }, (i) => JSON.stringify({ type: 'bench.latency', payload: { i } }));
    worker.kill('SIGCONT');
    for (const [name, r] of [['hello', helloRes], ['events', ingest]] as const) {
      const ms = (v: number) => `${v.toFixed(1)} ms`;
      console.log(`  ${name.padEnd(6)} p50 ${ms(r.p50)}  p90 ${ms(r.p90)}  p99 ${ms(r.p99)}  max ${ms(r.max)}  sent ${r.sent}  2xx ${r.ok}  non-2xx ${r.non2xx}  errors ${r.errors}  (${r.achieved.toFixed(0)}/s)`);
    }
    console.log(`  p99 events / hello: ${(ingest.p99 / Math.max(1, helloRes.p99)).toFixed(1)}× (target p99 ≤ 50 ms, 0 errors)`);
  } finally {
    await tearDown(children, dbName, prefix);
  }
}

/** Stops the processes, drops the database and the Redis keys of one run. */
export async function tearDown(children: ChildProcess[], dbName: string, prefix: string): Promise<void> {
  for (const child of children) child.kill('SIGCONT');
  for (const child of children) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  const admin = new Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
  const redis = new Redis(REDIS);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}
