/**
 * The whole product story against a running service, in about a minute: `npm run demo` (`--help` for options).
 * It talks to the service only over HTTP, with credentials it creates through the admin API; secrets it must
 * sign with (JWT_SECRET, SES_EVENTS_HMAC_SECRET) come from the same .env / environment as the service.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { signToken } from '../src/common/auth/token-issuer';
import { loadEnv } from '../src/config/load-env';
import { signMemberCenterRequest } from '../src/modules/subscribers/member-center-signature';
import { eventually, WebhookReceiver } from '../test/peers/webhook-receiver';

const USAGE = `npm run demo [-- --subscribers 5000] [--url http://localhost:3000] [--receiver-host <name>]

Against the running service (npm start): creates a tenant and its credentials, syncs subscribers through the
signed full-sync webhook, subscribes a local webhook receiver, sends a campaign, reports a hard bounce and a
complaint through /webhooks/ses, then shows the suppressions and the engine events the receiver got.
Needs JWT_SECRET and SES_EVENTS_HMAC_SECRET (as in .env.example) and, for the local receiver,
WEBHOOK_ALLOW_HTTP=true and WEBHOOK_ALLOWED_CIDRS=127.0.0.0/8 in the service's environment.
--receiver-host: when the service runs elsewhere (another container), the receiver listens on every interface
and subscribes as http://<receiver-host>:<port>/… (\`auto\`: this machine's first external IPv4 address); the
service must allow that address (WEBHOOK_ALLOWED_CIDRS).`;

const SYNC_BATCH = 1_000;
const tty = process.stdout.isTTY;
const finishedBars = new Set<string>();

/** A one-line progress bar, redrawn in place on a terminal, printed once when done elsewhere (CI logs). */
function progress(label: string, done: number, total: number): void {
  const width = 30;
  const filled = total ? Math.round((done / total) * width) : width;
  const line = `  ${label.padEnd(24)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(done).padStart(6)}/${total}`;
  if (finishedBars.has(label)) return;
  if (done >= total) finishedBars.add(label);
  if (tty) process.stdout.write(`\r${line}${done >= total ? '\n' : ''}`);
  else if (done >= total) console.log(line);
}

function step(title: string): void {
  console.log(`\n▸ ${title}`);
}

class Api {
  constructor(
    readonly base: string,
    private readonly token: string,
  ) {}

  /** JSON request; throws with the problem body on an unexpected status. */
  async call<T>(method: string, path: string, body?: unknown, expect = [200, 201, 202], headers: Record<string, string> = {}): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  as(token: string): Api {
    return new Api(this.base, token);
  }
}

/** This machine's address as other containers on its network see it. */
function externalIPv4(): string {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!found) throw new Error('--receiver-host auto: no external IPv4 address on this machine');
  return found.address;
}

function options() {
  try {
    const { values } = parseArgs({
      options: {
        subscribers: { type: 'string', default: '5000' },
        url: { type: 'string' },
        'receiver-host': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    return values;
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.help) return console.log(USAGE);
  const count = Number(opts.subscribers);
  if (!Number.isInteger(count) || count < 2) throw new Error('--subscribers must be a whole number ≥ 2');
  const env = loadEnv({ LOG_LEVEL: 'silent' });
  if (!env.JWT_SECRET) throw new Error('JWT_SECRET is not set: the demo signs an admin token with it');
  if (!env.SES_EVENTS_HMAC_SECRET) throw new Error('SES_EVENTS_HMAC_SECRET is not set: the demo reports a bounce through the signed flat SES form (see .env.example)');
  const base = (opts.url ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
  const sign = (claims: { tenantId: string | null; role: 'admin' | 'editor' }) =>
    signToken(env.JWT_SECRET!, { subject: 'demo', tenantId: claims.tenantId, roles: [claims.role], ttlSeconds: 3600 }, { issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE });
  const adminToken = sign({ tenantId: null, role: 'admin' });
  const admin = new Api(base, adminToken);
  const started = Date.now();

  await fetch(`${base}/health/ready`).then(
    (r) => r.ok || Promise.reject(new Error(`${base}/health/ready answered ${r.status}`)),
    () => Promise.reject(new Error(`nothing answers at ${base}: start the service first (npm start)`)),
  );

  step('1. A tenant and its credentials');
  const tenant = await admin.call<{ id: string; slug: string }>('POST', '/api/tenants', { name: `Demo ${randomUUID().slice(0, 8)}` });
  // no rate limit for the demo campaign (SES sandboxes allow 1/s; the default file transport has no limit)
  await admin.call('PATCH', `/api/tenants/${tenant.id}`, { send_rate_per_second: 0 });
  const key = await admin.call<{ key: string }>('POST', `/api/tenants/${tenant.id}/api-keys`, { environment: 'test', name: 'demo' });
  const mc = await admin.call<{ client_id: string; secret: string }>('POST', `/api/tenants/${tenant.id}/member-center-clients`, {});
  const editor = admin.as(sign({ tenantId: tenant.id, role: 'editor' }));
  const relay = admin.as(key.key);
  console.log(`  tenant ${tenant.slug} (${tenant.id}); API key ${key.key.slice(0, 12)}…; Member Center client ${mc.client_id}`);

  step('2. A local webhook receiver, subscribed to every engine event');
  const receiverHost = opts['receiver-host'] === 'auto' ? externalIPv4() : opts['receiver-host'];
  const receiver = receiverHost ? await WebhookReceiver.start('0.0.0.0', receiverHost) : await WebhookReceiver.start();
  const subscription = await relay
    .call<{ id: string; signing_secret: string }>('POST', '/v1/subscriptions', { url: receiver.url('/engine-events'), event_filter: '*' }, [201])
    .catch((e: Error) => {
      throw new Error(`${e.message}\n  (the service must allow the receiver: WEBHOOK_ALLOW_HTTP=true and its address in WEBHOOK_ALLOWED_CIDRS)`);
    });
  console.log(`  ${receiver.url('/engine-events')} ← subscription ${subscription.id}`);

  try {
    step(`3. ${count} subscribers through the signed full-sync webhook`);
    const listId = randomUUID();
    const syncId = randomUUID();
    const batches = Math.ceil(count / SYNC_BATCH);
    const occurredAt = new Date().toISOString();
    for (let b = 0; b < batches; b++) {
      const subscribers = Array.from({ length: Math.min(SYNC_BATCH, count - b * SYNC_BATCH) }, (_, i) => {
        const n = b * SYNC_BATCH + i;
        return { id: randomUUID(), email: `reader${n}@demo.example`, status: 'active', preferences: { first_name: `Reader ${n}` } };
      });
      const body = JSON.stringify({ sync_id: syncId, batch_no: b + 1, batch_total: batches, tenant_id: tenant.id, list_id: listId, subscribers, occurred_at: occurredAt });
      const ts = String(Math.floor(Date.now() / 1000));
      const nonce = randomUUID();
      await fetch(`${base}/webhooks/lists/full-sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-client-id': mc.client_id, 'x-timestamp': ts, 'x-nonce': nonce, 'x-signature': signMemberCenterRequest(mc.secret, ts, nonce, body) },
        body,
      }).then(async (r) => r.ok || Promise.reject(new Error(`full-sync batch ${b + 1} → ${r.status} ${await r.text()}`)));
      progress('subscribers synced', Math.min((b + 1) * SYNC_BATCH, count), count);
    }
    await editor.call('PATCH', `/api/lists/${listId}`, { name: 'Demo readers' });

    step('4. A campaign through the default transport');
    const job = await editor.call<{ send_job_id: string }>('POST', '/api/send-jobs', {
      list_id: listId,
      subject: 'Hello {{first_name|there}}',
      body_html: '<p>Hi {{first_name|there}}, this is the Send Engine demo.</p><p><a href="{{unsubscribe_url}}">Unsubscribe</a></p>',
    });
    const finished = await eventually(
      async () => {
        const s = await editor.call<{ status: string; total: number; sent: number; failed: number; pending: number }>('GET', `/api/send-jobs/${job.send_job_id}`);
        if (s.total) progress('emails sent', s.sent + s.failed, s.total);
        return ['completed', 'failed', 'cancelled'].includes(s.status) ? s : null;
      },
      10 * 60_000,
      'the campaign to finish',
    );
    if (finished.status !== 'completed') throw new Error(`the campaign ended ${finished.status}`);
    console.log(`  ${finished.sent} sent, ${finished.failed} failed, job ${job.send_job_id}`);

    step('5. A hard bounce and a complaint reported through /webhooks/ses (flat HMAC form)');
    const sent = await editor.call<{ data: { id: string; email: string }[] }>('GET', `/api/send-jobs/${job.send_job_id}/messages?status=sent&limit=2`);
    const reports: [string, Record<string, string>][] = [
      [sent.data[0].email, { event_type: 'bounce', bounce_type: 'hard' }],
      [sent.data[1].email, { event_type: 'complaint' }],
    ];
    for (const [i, [email, kind]] of reports.entries()) {
      const body = JSON.stringify({ ...kind, message_id: sent.data[i].id, tenant_id: tenant.id, email, occurred_at: new Date().toISOString() });
      const signature = `sha256=${createHmac('sha256', env.SES_EVENTS_HMAC_SECRET).update(body).digest('hex')}`;
      await new Api(base, '').call('POST', '/webhooks/ses', body, [200], { 'x-amz-sns-signature': signature });
      console.log(`  ${kind.event_type.padEnd(9)} ${email}`);
    }

    step('6. What happened');
    const suppressions = await eventually(async () => {
      const page = await editor.call<{ data: { email: string; reason: string }[] }>('GET', '/api/suppressions');
      return page.data.length >= 2 ? page.data : null;
    }, 30_000, 'both suppressions');
    for (const s of suppressions) console.log(`  suppressed ${s.email} (${s.reason})`);
    // each report suppresses one address: two subscriber.suppressed events
    const wanted: Record<string, number> = { 'send_job.completed': 1, 'email.bounced': 1, 'email.complained': 1, 'subscriber.suppressed': 2 };
    const verifier = new Webhook(subscription.signing_secret);
    const received = await eventually(async () => {
      const types = receiver.on('/engine-events').map((r) => {
        verifier.verify(r.body, r.headers as Record<string, string>); // throws on a bad signature
        return (JSON.parse(r.body) as { type: string }).type;
      });
      return Object.entries(wanted).every(([w, n]) => types.filter((t) => t === w).length >= n) ? types : null;
    }, 60_000, `the receiver to get ${Object.keys(wanted).join(', ')}`);
    const tally = received.reduce<Record<string, number>>((acc, t) => ({ ...acc, [t]: (acc[t] ?? 0) + 1 }), {});
    console.log(`  the receiver got ${received.length} engine events, every signature verified (Standard Webhooks):`);
    for (const [type, n] of Object.entries(tally).sort()) console.log(`    ${type.padEnd(24)} ${n}`);

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`\n✔ Demo finished in ${seconds} s. Look around:`);
    console.log(`  Swagger UI      ${base}/docs`);
    console.log(`  Bull Board      ${base}/admin/queues?token=${adminToken}`);
    console.log(`  members         GET ${base}/api/lists/${listId}/members   (Authorization: Bearer <editor JWT>)`);
    console.log(`  the campaign    GET ${base}/api/send-jobs/${job.send_job_id}`);
    console.log(`  deliveries      GET ${base}/v1/deliveries?subscription_id=${subscription.id}   (Authorization: Bearer ${key.key})`);
    if (env.MAIL_TRANSPORT === 'file') console.log(`  the emails      ${resolve(env.MAIL_FILE_DIR)} (.eml files, if the service shares this .env)`);
    else if (env.SES_ENDPOINT) console.log(`  the emails      the SES emulator's viewer: ${env.SES_ENDPOINT} (http://localhost:8005 from the compose host)`);
    else console.log(`  the emails      went through MAIL_TRANSPORT=${env.MAIL_TRANSPORT}`);
    console.log(`  editor JWT      npm run -s token -- --tenant ${tenant.slug}`);
  } finally {
    await relay.call('DELETE', `/v1/subscriptions/${subscription.id}`, undefined, [200, 204, 404]).catch(() => undefined);
    await receiver.close();
  }
}

main().catch((err: unknown) => {
  console.error(`\n✘ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
