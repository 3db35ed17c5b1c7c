/**
 * `npm run bench -- cloudevents`: 20,000 CloudEvents posted in batches of 100 to the Marigold dialect
 * (`POST /api/webhooks/v1/events/send`), one subscription with two filters and one advanced filter that every event
 * passes; deliveries/s from the first post to the last receipt, next to the bare undici POST loop's ceiling to the
 * same receiver measured in the same run (the ceiling of the `webhooks` scenario).
 */
import { Pool } from 'undici';
import { signToken } from '../src/common/auth/token-issuer';
import { ask, benchRun, CpuWindow, formatCpu, json, JWT_SECRET, loop, Peer, waitForReceived } from './_harness';
import { ceilingLoop, CONCURRENCY, EVENTS } from './webhooks';

const BATCH = 100;
/** Batches in flight at once. */
const POSTERS = 4;

/** A tenant, an editor API key, and the one Marigold subscription to the receiver. */
async function setUp(base: string, receiverPort: number): Promise<string> {
  const admin = signToken(JWT_SECRET, { subject: 'bench', tenantId: null, roles: ['admin'], ttlSeconds: 3600 });
  const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const tenant = await json<{ id: string }>(await fetch(`${base}/api/tenants`, { method: 'POST', headers: headers(admin), body: JSON.stringify({ name: `bench ce ${Date.now()}` }) }));
  const { key } = await json<{ key: string }>(
    await fetch(`${base}/api/tenants/${tenant.id}/api-keys`, { method: 'POST', headers: headers(admin), body: JSON.stringify({ environment: 'test' }) }),
  );
  const subscriptions = [
    {
      filters: ['bench.*', '*.email.sent'],
      target_url: `http://127.0.0.1:${receiverPort}/hook`,
      headers: [{ name: 'Authorization', value: 'Bearer receiver-token' }],
      advanced_filters: [{ key: 'data.recipient', operator: 'stringEndsWith', value: '@example.com' }],
    },
  ];
  await json(await fetch(`${base}/api/webhooks/v1/admin/subscriptions`, { method: 'PUT', headers: headers(key), body: JSON.stringify(subscriptions) }));
  return key;
}

function batchBody(b: number): string {
  return JSON.stringify(
    Array.from({ length: BATCH }, (_, i) => ({
      specversion: '1.0',
      id: `${b}-${i}`,
      source: '/bench/mailer',
      type: i % 2 ? 'bench.deliveries.email.sent' : 'sdc.deliveries.email.sent',
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: { recipient: `r${b * BATCH + i}@example.com`, n: b * BATCH + i },
    })),
  );
}

async function engineThroughput(base: string, key: string, receiver: Peer): Promise<{ perSecond: number; ingestPerSecond: number }> {
  await ask(receiver, 'reset');
  const pool = new Pool(base, { connections: POSTERS });
  const started = Date.now();
  await loop(EVENTS / BATCH, POSTERS, async (b) => {
    const res = await pool.request({
      path: '/api/webhooks/v1/events/send', method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/cloudevents-batch+json' },
      body: batchBody(b),
    });
    if (res.statusCode !== 202) throw new Error(`ingest answered ${res.statusCode}: ${await res.body.text()}`);
    await res.body.dump();
  });
  const ingestSeconds = (Date.now() - started) / 1000;
  await pool.close();
  const stats = await waitForReceived(receiver, EVENTS, 300_000);
  return { perSecond: stats.count / ((stats.last - started) / 1000), ingestPerSecond: EVENTS / ingestSeconds };
}

export async function run(): Promise<void> {
  await benchRun('ce', async (run) => {
    const receiver = await run.peer('_receiver.ts');
    const engine = await run.engine({ WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION: String(CONCURRENCY) });
    const key = await setUp(engine.base, receiver.port);
    console.log(`${EVENTS} CloudEvents in batches of ${BATCH} (${POSTERS} in flight) × 1 subscription (2 filters, 1 advanced filter, 1 custom header), ${CONCURRENCY} deliveries in flight`);
    const ceiling = await ceilingLoop(receiver.port);
    console.log(`  ceiling (bare undici POST loop, concurrency ${CONCURRENCY}): ${ceiling.toFixed(0)} req/s`);
    const window = await CpuWindow.open([engine.db]);
    const engineRun = await engineThroughput(engine.base, key, receiver);
    const cpu = await window.close({ api: engine.api.pid, worker: engine.worker.pid, receiver: receiver.child.pid, 'load generator': process.pid }, EVENTS);
    console.log(`  engine, first post → last receipt: ${engineRun.perSecond.toFixed(0)} deliveries/s (ingest alone ${engineRun.ingestPerSecond.toFixed(0)} events/s)`);
    console.log(`  ratio: ${(engineRun.perSecond / ceiling).toFixed(2)} × ceiling`);
    console.log(`  CPU ms per event (2 cores = 2,000 ms/s in all): ${formatCpu(cpu)}`);
  });
}
