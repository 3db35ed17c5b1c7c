import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { TestApp, TEST_ENCRYPTION_KEY, TEST_JWT_SECRET } from './app';

const ROOT = join(__dirname, '..', '..');

const outputs = new WeakMap<ChildProcess, { text: string }>();

/** Everything a process started here has written to stdout so far (its log lines). */
export function processOutput(child: ChildProcess): string {
  return outputs.get(child)?.text ?? '';
}

/**
 * A real worker process with exactly `env`: test/peers/worker-main.ts (prints "ready" once processors and the
 * scheduler run), or `script` — e.g. src/main.ts, the production entry point — resolving once stdout shows `readyWhen`.
 */
export async function startWorkerProcess(env: Record<string, string>, script = 'test/peers/worker-main.ts', readyWhen = 'ready'): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, script)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const out = { text: '' };
  outputs.set(child, out);
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.on('data', (c: Buffer) => (out.text += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${stderr}`)), 120_000);
    child.stdout!.on('data', () => {
      if (out.text.includes(readyWhen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}: ${stderr}`));
    });
  });
  return child;
}

/** A worker process on the test app's database and Redis prefix (see startWorkerProcess for `script`). */
export function startWorker(t: TestApp, env: Record<string, string>, script?: string, readyWhen?: string): Promise<ChildProcess> {
  return startWorkerProcess({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: t.env.DATABASE_URL,
    DB_MIGRATE: 'false',
    REDIS_URL: t.env.REDIS_URL,
    REDIS_KEY_PREFIX: t.env.REDIS_KEY_PREFIX,
    JWT_SECRET: TEST_JWT_SECRET,
    APP_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ...env,
  }, script, readyWhen);
}

/** Ends a worker: SIGKILL simulates a crash, SIGTERM a normal stop. */
export async function stopWorkerProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

export const stopWorker = stopWorkerProcess;
