/**
 * Bare pipeline, worker process (bench/_bare-pipeline.ts starts it): a Bull worker (concurrency 50) that loads
 * its deliveries with their event and subscription in batches (one SELECT per batch), signs the body it sends
 * with HMAC (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` over `id.timestamp.body`),
 * POSTs it through a keep-alive undici Pool per origin, and records the attempt and settles the delivery in
 * batches (one statement per batch, without the fsync wait, like the engine). A failed POST schedules the next
 * attempt as a delayed job. No framework, no logging.
 */
import Bull from 'bull';
import { Pool as PgPool } from 'pg';
import { Pool } from 'undici';
import { v7 as uuidv7 } from 'uuid';
import { Batcher } from '../src/common/batching/batcher';
import { hmacSha256, SecretBox, webhookSecretKey } from '../src/common/crypto/secrets';
import { BARE_CONCURRENCY, BARE_QUEUE, BareJob } from './_bare-pipeline';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

interface Loaded {
  id: string; status: string; event_id: string; type: string; created_at: Date; payload: unknown;
  subscription_id: string; url: string; sealed_secret: string;
}

interface Attempt {
  deliveryId: string; attempt: number; signature: string; url: string; status: number | null; latencyMs: number; error: string | null;
}

const LOAD = `
  SELECT d.id, d.status, e.id AS event_id, e.type, e.created_at, e.payload, s.id AS subscription_id, s.url, s.sealed_secret
    FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id JOIN webhook_subscriptions s ON s.id = d.subscription_id
   WHERE d.id = ANY($1::uuid[])`;

const RECORD = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[])
      AS u(id, delivery_id, attempt_number, signature, url, response_status, latency_ms, error_code)
  ), inserted AS (
    INSERT INTO webhook_delivery_attempts (id, delivery_id, attempt_number, request_signature, webhook_signature, url, response_status, latency_ms, error_code)
    SELECT id, delivery_id, attempt_number, signature, signature, url, response_status, latency_ms, error_code FROM input
    ON CONFLICT (delivery_id, attempt_number) DO NOTHING
    RETURNING delivery_id, attempt_number, response_status
  )
  UPDATE webhook_deliveries d
     SET attempts_made = i.attempt_number, final_status_code = i.response_status,
         status = CASE WHEN i.response_status BETWEEN 200 AND 299 THEN 'success' ELSE 'failed' END,
         next_attempt_at = CASE WHEN i.response_status BETWEEN 200 AND 299 THEN NULL ELSE now() + interval '30 seconds' END,
         completed_at = CASE WHEN i.response_status BETWEEN 200 AND 299 THEN now() END
    FROM inserted i, (SELECT set_config('synchronous_commit', 'off', true)) AS no_fsync_wait
   WHERE d.id = i.delivery_id`;

async function main(): Promise<void> {
  const pg = new PgPool({ connectionString: env('BARE_DATABASE_URL'), max: 10 });
  const queue = new Bull<BareJob>(BARE_QUEUE, env('BARE_REDIS_URL'), { prefix: env('BARE_PREFIX') });
  const box = new SecretBox(Buffer.from(env('BARE_ENCRYPTION_KEY'), 'base64'));
  const keys = new Map<string, Buffer>(); // signing key per subscription, unsealed once
  const pools = new Map<string, Pool>(); // one keep-alive pool per origin

  const loader = new Batcher(async (ids: string[]): Promise<(Loaded | undefined)[]> => {
    const { rows } = await pg.query<Loaded>(LOAD, [ids]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id));
  }, { maxBatch: 200, maxConcurrent: 2 });
  const recorder = new Batcher(async (items: Attempt[]): Promise<null[]> => {
    const col = <T>(f: (a: Attempt) => T) => items.map(f);
    await pg.query(RECORD, [
      col(() => uuidv7()), col((a) => a.deliveryId), col((a) => a.attempt), col((a) => a.signature), col((a) => a.url),
      col((a) => a.status), col((a) => a.latencyMs), col((a) => a.error),
    ]);
    return items.map(() => null);
  }, { maxBatch: 200, maxConcurrent: 1 });

  void queue.process(BARE_CONCURRENCY, async (job) => {
    const row = await loader.run(job.data.id);
    if (!row || row.status === 'success') return;
    let key = keys.get(row.subscription_id);
    if (!key) keys.set(row.subscription_id, (key = webhookSecretKey(box.open(row.sealed_secret))));
    const url = new URL(row.url);
    let pool = pools.get(url.origin);
    if (!pool) pools.set(url.origin, (pool = new Pool(url.origin, { connections: BARE_CONCURRENCY, headersTimeout: 10_000, bodyTimeout: 10_000 })));

    const body = JSON.stringify({ id: row.event_id, type: row.type, created_at: row.created_at.toISOString(), data: row.payload });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = `v1,${hmacSha256(key, `${row.event_id}.${timestamp}.${body}`).toString('base64')}`;
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await pool.request({
        path: url.pathname + url.search, method: 'POST', body,
        headers: { 'content-type': 'application/json', 'webhook-id': row.event_id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature },
      });
      status = res.statusCode;
      await res.body.dump();
    } catch (err) {
      error = (err as { code?: string }).code ?? 'request_failed';
    }
    const attempt = job.data.attempt;
    await recorder.run({ deliveryId: row.id, attempt, signature, url: row.url, status, latencyMs: Math.round(performance.now() - started), error });
    if (status === null || status < 200 || status > 299) {
      await queue.add({ id: row.id, attempt: attempt + 1 }, { jobId: `${row.id}:${attempt + 1}`, delay: 30_000, removeOnComplete: true, removeOnFail: true });
    }
  });
  await queue.isReady();
  process.send?.({ port: 0 });
  process.once('SIGTERM', () => void queue.close().then(() => Promise.all([pg.end(), ...[...pools.values()].map((p) => p.close())])).finally(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
