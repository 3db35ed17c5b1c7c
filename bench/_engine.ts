/**
 * Shared bench plumbing: the real engine (src/main.ts) as separate `api` and `worker` processes, and forked peers
 * (receiver, hello route) that report over IPC, so a load generator never shares an event loop with what it measures.
 */
import { ChildProcess, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface Peer {
  child: ChildProcess;
  port: number;
}

export interface EngineOptions {
  dbUrl: string;
  port: number;
  redisUrl: string;
  prefix: string;
  jwtSecret: string;
  /** Shared by the api and worker processes (the worker opens the secrets the api sealed). */
  encryptionKey: string;
  /** Scenario-specific variables, on top of the bench defaults. */
  env?: Record<string, string>;
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

/**
 * Boots the real engine on a fresh database in the deployment shape the README describes: an `api` process
 * (which migrates) and a `worker` process, so the API and the workers do not share one event loop and pool.
 */
export async function startEngine(o: EngineOptions): Promise<ChildProcess[]> {
  const api = await startProcess('api', o);
  const worker = await startProcess('worker', { ...o, port: await freePort() });
  return [api, worker];
}

async function startProcess(role: 'api' | 'worker', o: EngineOptions): Promise<ChildProcess> {
  const child = fork(join(__dirname, '../src/main.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_ENV: 'development',
      APP_ROLE: role,
      PORT: String(o.port),
      LOG_LEVEL: 'error',
      DATABASE_URL: o.dbUrl,
      DB_MIGRATE: role === 'api' ? 'true' : 'false',
      REDIS_URL: o.redisUrl,
      REDIS_KEY_PREFIX: o.prefix,
      JWT_SECRET: o.jwtSecret,
      APP_ENCRYPTION_KEY: o.encryptionKey,
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
      WEBHOOK_ALLOW_HTTP: 'true',
      RATE_LIMIT_PER_MINUTE: '10000000',
      ...o.env,
    },
  });
  if (role === 'worker') {
    await new Promise((r) => setTimeout(r, 8000)); // no HTTP listener to probe; give it time to attach to the queue
    return child;
  }
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error('engine exited during boot');
    const ok = await fetch(`http://127.0.0.1:${o.port}/health/ready`).then((r) => r.ok, () => false);
    if (ok) return child;
    if (Date.now() > deadline) throw new Error('engine did not become ready');
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Runs `total` tasks with `concurrency` workers. */
export async function loop(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await task(next++);
    }),
  );
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
