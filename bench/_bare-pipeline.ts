/**
 * The bare pipeline: the engine's webhook work — durable ingest, a queue, a signed POST, a recorded attempt — done
 * by the same building blocks (Fastify, pg, Bull, undici, node:crypto) and the engine's own tables, with nothing
 * else: no framework, no logging, no validation beyond JSON parsing. It keeps the engine's design (group-committed
 * ingest + `addBulk`, batched load and record in the worker) so the ratio engine / bare measures the engine's
 * overhead, not its design. Two processes, like the engine's api and worker, so CPU per process compares:
 * bench/_bare-ingest.ts and bench/_bare-worker.ts.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { SecretBox, newWebhookSecret } from '../src/common/crypto/secrets';
import { BenchRun, Peer, REDIS } from './_harness';

export const BARE_QUEUE = 'bare-deliveries';
/** Jobs the bare worker runs at once. */
export const BARE_CONCURRENCY = Number(process.env.BENCH_BARE_CONCURRENCY ?? 50);

export interface BareJob {
  /** The delivery row's id (also the first attempt's job id). */
  id: string;
  attempt: number;
}

export interface BarePipeline {
  ingest: Peer;
  worker: Peer;
  base: string;
  key: string;
  /** Its database's name (for Postgres CPU accounting). */
  db: string;
}

/**
 * Creates the bare pipeline's database with the engine's migrations, one tenant and one subscription (`*`) to the
 * receiver, and starts its two processes.
 */
export async function startBare(run: BenchRun, receiverPort: number): Promise<BarePipeline> {
  const db = run.database('_bare');
  const { ensureDatabase, runMigrations } = await import('../src/database/prepare-database');
  await ensureDatabase(db.url);
  await runMigrations(db.url);
  const encryptionKey = randomBytes(32);
  const tenantId = uuidv7();
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'bare', $2)`, [tenantId, `bare-${tenantId}`]);
    await client.query(`INSERT INTO webhook_subscriptions (id, tenant_id, url, event_filter, sealed_secret) VALUES ($1, $2, $3, '*', $4)`, [
      uuidv7(), tenantId, `http://127.0.0.1:${receiverPort}/hook`, new SecretBox(encryptionKey).seal(newWebhookSecret()),
    ]);
  } finally {
    await client.end();
  }
  const key = randomBytes(24).toString('base64url');
  const env = {
    BARE_DATABASE_URL: db.url, BARE_REDIS_URL: REDIS, BARE_PREFIX: run.prefix(),
    BARE_TENANT_ID: tenantId, BARE_API_KEY: key, BARE_ENCRYPTION_KEY: encryptionKey.toString('base64'),
  };
  const ingest = await run.peer('_bare-ingest.ts', env);
  const worker = await run.peer('_bare-worker.ts', env);
  return { ingest, worker, base: `http://127.0.0.1:${ingest.port}`, key, db: db.name };
}
