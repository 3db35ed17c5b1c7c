/**
 * Bare pipeline, ingest process (bench/_bare-pipeline.ts starts it): `POST /v1/events` as plain Fastify — an
 * in-memory API key check, JSON parsing and nothing else (no framework, no logging, no validation) — with the
 * engine's durable design: concurrent requests are group-committed (bench reuses src/common/batching), each batch
 * writing its events and their deliveries into the engine's own tables in one statement, then one Bull `addBulk`
 * with the delivery row id as job id. 202 only after both.
 */
import Bull from 'bull';
import Fastify from 'fastify';
import { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { Batcher } from '../src/common/batching/batcher';
import { BARE_QUEUE, BareJob } from './_bare-pipeline';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

interface Ingest {
  tenantId: string;
  type: string;
  payload: unknown;
}

const INSERT = `
  WITH e AS (
    INSERT INTO webhook_events (id, tenant_id, type, payload)
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[])
  )
  INSERT INTO webhook_deliveries (id, tenant_id, event_id, subscription_id, status, next_attempt_at)
  SELECT id, tenant_id, event_id, subscription_id, 'pending', now()
    FROM unnest($5::uuid[], $6::uuid[], $7::uuid[], $8::uuid[]) AS t(id, tenant_id, event_id, subscription_id)`;

async function main(): Promise<void> {
  const pg = new Pool({ connectionString: env('BARE_DATABASE_URL'), max: 10 });
  const queue = new Bull<BareJob>(BARE_QUEUE, env('BARE_REDIS_URL'), { prefix: env('BARE_PREFIX') });
  const tenantId = env('BARE_TENANT_ID');
  const keys = new Map([[`Bearer ${env('BARE_API_KEY')}`, tenantId]]);
  // The tenant's active subscriptions, read once (the bench never changes them): every event matches `*`.
  const { rows } = await pg.query<{ id: string }>(`SELECT id FROM webhook_subscriptions WHERE tenant_id = $1 AND state = 'active'`, [tenantId]);
  const subscriptions = new Map([[tenantId, rows.map((r) => r.id)]]);

  const batcher = new Batcher(async (items: Ingest[]): Promise<string[]> => {
    const events = items.map(() => uuidv7());
    const deliveries: { id: string; tenantId: string; eventId: string; subscriptionId: string }[] = [];
    items.forEach((item, i) => {
      for (const subscriptionId of subscriptions.get(item.tenantId) ?? []) deliveries.push({ id: uuidv7(), tenantId: item.tenantId, eventId: events[i], subscriptionId });
    });
    await pg.query(INSERT, [
      events, items.map((i) => i.tenantId), items.map((i) => i.type), items.map((i) => JSON.stringify(i.payload ?? null)),
      deliveries.map((d) => d.id), deliveries.map((d) => d.tenantId), deliveries.map((d) => d.eventId), deliveries.map((d) => d.subscriptionId),
    ]);
    await queue.addBulk(deliveries.map((d) => ({ data: { id: d.id, attempt: 1 }, opts: { jobId: d.id, removeOnComplete: true, removeOnFail: true } })));
    return events;
  }, { maxBatch: 500, maxConcurrent: 2 });

  const app = Fastify({ logger: false });
  app.post('/v1/events', async (req, reply) => {
    const tenant = keys.get(req.headers.authorization ?? '');
    if (!tenant) return reply.code(401).send({ title: 'Unauthorized' });
    const body = req.body as { type?: unknown; payload?: unknown } | null;
    if (typeof body?.type !== 'string') return reply.code(400).send({ title: 'Bad Request' });
    const id = await batcher.run({ tenantId: tenant, type: body.type, payload: body.payload });
    return reply.code(202).send({ id });
  });
  await queue.isReady();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  process.once('SIGTERM', () => void app.close().then(() => Promise.all([queue.close(), pg.end()])).finally(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
