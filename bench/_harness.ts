/**
 * What every engine scenario repeats: a run's own database and Redis prefix, the receiver peer, the engine as an
 * `api` and a `worker` process, CPU accounting per process, load-window CPU profiles, and a tear-down that stops
 * every process before it deletes the run's Redis keys.
 */
import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';

export const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const JWT_SECRET = randomBytes(32).toString('hex');
/** Shared by the api and worker processes (the worker opens the secrets the api sealed). */
const ENCRYPTION_KEY = randomBytes(32).toString('base64');
/** BENCH_CPU_PROF=<dir>: profiled processes write `<name>.cpuprofile` there, covering the load window only. */
export const PROFILE_DIR = process.env.BENCH_CPU_PROF;

export interface Peer {
  child: ChildProcess;
  port: number;
}

/** A port nothing listens on right now (the OS picks it; another process may take it before we bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Node options of a bench child: TypeScript, and with BENCH_CPU_PROF the profiler hook (bench/_profile-hook.ts),
 * which profiles only between `startProfiles` and `stopProfiles` — `--cpu-prof` would include the boot (ts-node's
 * compile) and, for a SIGSTOPped process, charge the whole stopped span to one sample.
 */
export function childExecArgv(): string[] {
  return [...NODE_FLAGS, '-r', 'ts-node/register/transpile-only', ...(PROFILE_DIR ? ['-r', join(__dirname, '_profile-hook.ts')] : [])];
}

/**
 * The Node flags the engine's entry points run with (scripts/start.sh, docker/Dockerfile, `npm run start:prod`).
 * Every bench child gets them, the bare pipeline too, so a ratio compares code, not runtime settings.
 */
export const NODE_FLAGS = ['--max-semi-space-size=64', '--no-deprecation'];

/** Forks a bench peer (bench/<file>) that reports `{ port }` over IPC once it serves. */
export function forkPeer(file: string, env: Record<string, string> = {}, args: string[] = []): Promise<Peer> {
  const child = fork(join(__dirname, file), args, { execArgv: childExecArgv(), env: { ...process.env, ...env }, stdio: 'inherit' });
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

export async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Runs `total` tasks with `concurrency` workers. */
export async function loop(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await task(next++);
  }));
}

export interface Engine {
  api: ChildProcess;
  worker: ChildProcess;
  base: string;
}

/**
 * Boots the real engine (src/main.ts) in the deployment shape the README describes: an `api` process (which
 * migrates) and a `worker` process, so ingest and delivery do not share one event loop and pool. `env` adds to
 * (or overrides) the bench's engine settings.
 */
export async function startEngine(dbUrl: string, prefix: string, env: Record<string, string> = {}): Promise<Engine> {
  const { child: api, port } = await startApi(dbUrl, prefix, env);
  const worker = engineProcess('worker', dbUrl, await freePort(), prefix, env);
  await new Promise((r) => setTimeout(r, 8000)); // no HTTP listener to probe; give it time to attach to the queue
  if (worker.exitCode !== null) throw new Error('engine worker exited during boot');
  return { api, worker, base: `http://127.0.0.1:${port}` };
}

/** The api on a fresh port, again on another one if it dies during boot (freePort's port can be taken meanwhile). */
async function startApi(dbUrl: string, prefix: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = engineProcess('api', dbUrl, port, prefix, env);
    const ready = await untilReady(child, `http://127.0.0.1:${port}/health/ready`);
    if (ready) return { child, port };
    if (attempt === 3) throw new Error('engine api exited during boot three times');
    console.log(`  (engine api exited during boot on port ${port}; retrying on another port)`);
  }
}

/** True once the route answers 2xx; false if the process exits first. */
async function untilReady(child: ChildProcess, url: string): Promise<boolean> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) return false;
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return true;
    if (Date.now() > deadline) throw new Error(`${url} did not become ready`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function engineProcess(role: 'api' | 'worker', dbUrl: string, port: number, prefix: string, env: Record<string, string>): ChildProcess {
  return fork(join(__dirname, '../src/main.ts'), [], {
    execArgv: childExecArgv(),
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
      RATE_LIMIT_PER_MINUTE: '10000000',
      ...env,
    },
  });
}

/** One bench run: its databases, Redis prefixes and processes, all removed by `tearDown`. */
export class BenchRun {
  readonly children: ChildProcess[] = [];
  private readonly databases: string[] = [];
  private readonly prefixes: string[] = [];

  constructor(private readonly tag: string) {}

  /** A fresh database name for this run (created by whoever migrates it) and its URL. */
  database(suffix = ''): { name: string; url: string } {
    const name = `se_bench_${this.tag}${suffix}_${randomBytes(3).toString('hex')}`;
    this.databases.push(name);
    return { name, url: PG.replace(/\/[^/]*$/, `/${name}`) };
  }

  /** A fresh Redis key prefix for this run. */
  prefix(): string {
    const prefix = `se_bench_${randomBytes(3).toString('hex')}`;
    this.prefixes.push(prefix);
    return prefix;
  }

  async peer(file: string, env: Record<string, string> = {}): Promise<Peer> {
    const peer = await forkPeer(file, env);
    this.children.push(peer.child);
    return peer;
  }

  /** The engine on its own database and prefix; `db` is its database name (for Postgres CPU accounting). */
  async engine(env: Record<string, string> = {}): Promise<Engine & { db: string }> {
    const db = this.database();
    const engine = await startEngine(db.url, this.prefix(), env);
    this.children.push(engine.api, engine.worker);
    return { ...engine, db: db.name };
  }

  /**
   * Stops every process and waits for it to exit before the Redis keys go: a worker still finishing jobs would
   * recreate partial job hashes under a deleted prefix.
   */
  async tearDown(): Promise<void> {
    await Promise.all(this.children.map((child) => stop(child)));
    const admin = new Client({ connectionString: PG });
    await admin.connect();
    for (const name of this.databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    const redis = new Redis(REDIS);
    const sweep = async (prefix: string, remove: boolean): Promise<number> => {
      let [cursor, found] = ['0', 0];
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        found += keys.length;
        if (remove && keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      return found;
    };
    for (const prefix of this.prefixes) await sweep(prefix, true);
    // Nothing may write under a deleted prefix once every process has exited; say so if something did.
    await new Promise((r) => setTimeout(r, 1000));
    for (const prefix of this.prefixes) {
      const left = await sweep(prefix, true);
      if (left) console.log(`  (tear-down: ${left} keys reappeared under ${prefix}: after the processes exited)`);
    }
    redis.disconnect();
  }
}

/** SIGTERM (after SIGCONT, in case it was stopped), SIGKILL if it has not exited within 20 s. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGCONT');
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    console.log(`  (pid ${child.pid} did not stop within 20 s of SIGTERM; killed)`);
    child.kill('SIGKILL');
  }, 20_000);
  await exited;
  clearTimeout(timer);
}

/** Runs a scenario in a BenchRun and always tears it down. */
export async function benchRun(tag: string, scenario: (run: BenchRun) => Promise<void>): Promise<void> {
  const run = new BenchRun(tag);
  try {
    await scenario(run);
  } finally {
    await run.tearDown();
  }
}

/** CPU seconds (user + system) used so far by each process, by pid and by command name (Linux /proc). */
export function cpuSnapshot(): { byPid: Map<number, number>; byName: Map<string, number> } {
  const byPid = new Map<number, number>();
  const byName = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const seconds = cpuOf(Number(pid));
    if (seconds === undefined) continue;
    byPid.set(Number(pid), seconds.seconds);
    byName.set(seconds.name, (byName.get(seconds.name) ?? 0) + seconds.seconds);
  }
  return { byPid, byName };
}

function cpuOf(pid: number): { name: string; seconds: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name, seconds: (Number(fields[11]) + Number(fields[12])) / 100 }; // utime + stime, in clock ticks
  } catch {
    return undefined; // the process ended while we looked
  }
}

/**
 * CPU of named processes, of the Postgres backends serving given databases, and of redis-server, over a window.
 * Postgres is counted per backend of the run's own database (polled from pg_stat_activity each second, so
 * backends that open during the window count too): other runs on a shared machine do not leak in, and the
 * shared background processes (WAL writer, checkpointer) are left out. Redis is one shared process: its figure
 * includes whatever else uses that server meanwhile.
 */
export class CpuWindow {
  private readonly before = cpuSnapshot();
  private readonly backends = new Map<number, number>();
  private readonly admin = new Client({ connectionString: PG });
  private timer?: NodeJS.Timeout;

  private constructor(private readonly databases: string[]) {}

  static async open(databases: string[]): Promise<CpuWindow> {
    const window = new CpuWindow(databases);
    await window.admin.connect();
    await window.poll();
    window.timer = setInterval(() => void window.poll(), 1000);
    return window;
  }

  private async poll(): Promise<void> {
    const { rows } = await this.admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = ANY($1)', [this.databases]).catch(() => ({ rows: [] }));
    for (const { pid } of rows) {
      const now = cpuOf(pid);
      if (now) this.backends.set(pid, now.seconds);
    }
  }

  /** CPU ms per unit of work of each labelled pid, of the databases' backends (`postgres`) and of `redis`. */
  async close(parts: Record<string, number | undefined>, units: number): Promise<Record<string, number>> {
    clearInterval(this.timer);
    await this.poll();
    await this.admin.end();
    const after = cpuSnapshot();
    const ms = (seconds: number) => (seconds * 1000) / units;
    const out: Record<string, number> = {};
    for (const [label, pid] of Object.entries(parts)) out[label] = pid ? ms((after.byPid.get(pid) ?? 0) - (this.before.byPid.get(pid) ?? 0)) : 0;
    let pg = 0;
    for (const [pid, seconds] of this.backends) pg += seconds - (this.before.byPid.get(pid) ?? 0);
    out.postgres = ms(pg);
    out.redis = ms((after.byName.get('redis-server') ?? 0) - (this.before.byName.get('redis-server') ?? 0));
    return out;
  }
}

/** `label 1.23, …` for a CPU breakdown. */
export function formatCpu(cpu: Record<string, number>): string {
  return Object.entries(cpu).map(([label, ms]) => `${label} ${ms.toFixed(2)}`).join(', ');
}

/** Starts the CPU profiler in each profiled child (a no-op without BENCH_CPU_PROF). */
export async function startProfiles(children: ChildProcess[]): Promise<void> {
  if (!PROFILE_DIR) return;
  await Promise.all(children.map((child) => profileCommand(child, { profile: 'start' })));
}

/** Stops the profilers and writes `<dir>/<name>.cpuprofile` per child; answers the files written. */
export async function stopProfiles(named: Record<string, ChildProcess>): Promise<string[]> {
  if (!PROFILE_DIR) return [];
  const dir = PROFILE_DIR;
  return Promise.all(Object.entries(named).map(([name, child]) => profileCommand(child, { profile: 'stop', file: join(dir, `${name}.cpuprofile`) })));
}

function profileCommand(child: ChildProcess, command: { profile: 'start' | 'stop'; file?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { profileDone?: string; profileError?: string }) => {
      if (m?.profileDone === undefined && m?.profileError === undefined) return;
      child.off('message', onMessage);
      if (m.profileError !== undefined) reject(new Error(m.profileError));
      else resolve(m.profileDone ?? '');
    };
    child.on('message', onMessage);
    child.send(command);
  });
}
