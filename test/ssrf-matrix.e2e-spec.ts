import { lookup } from 'node:dns/promises';
import { createServer, Server } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { hostname } from 'node:os';
import request from 'supertest';
import { isAddressAllowed } from '../src/common/outbound/ip-ranges';
import { eventually } from './peers/webhook-receiver';
import { createTestApp, TestApp } from './support/app';
import { apiKeyFor, createTenant } from './support/auth';

/**
 * SSRF matrix with the development allowance off (WEBHOOK_ALLOWED_CIDRS empty): every spelling of a non-global
 * address is refused when the URL is created (a literal) or when the connection would be made (a name), and a
 * trap listening on every local address with the URLs' port sees zero connections.
 */
const LITERAL_HOSTS = [
  '127.1', '2130706433', '0x7f000001', '0.0.0.0', '[::]', '[::1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::ffff:0:7f00:1]',
  '169.254.169.254', '[fd00:ec2::254]', '100.64.0.1', '10.0.0.1', '10.255.255.254', '172.16.0.1', '172.31.255.254', '192.168.0.1',
  '192.168.255.254', '127.0.0.2', '[64:ff9b::7f00:1]', '[2002:7f00:1::]', '168.63.129.16',
];

/**
 * Where a tenant hands the engine a URL to call. Job callbacks (issue 11) and the dialects' target URLs (12, 13)
 * join as rows: `create` stores the URL (a literal is refused there), `connect` makes the engine call it and
 * resolves to the error code the attempt recorded.
 */
interface Target {
  name: string;
  create(t: TestApp, auth: string, url: string): Promise<request.Response>;
  connect(t: TestApp, auth: string, urls: string[]): Promise<(string | null)[]>;
}

const TARGETS: Target[] = [
  {
    name: 'webhook subscription',
    create: (t, auth, url) => request(t.url).post('/v1/subscriptions').set('Authorization', auth).send({ url, event_filter: 'ssrf.literal' }),
    async connect(t, auth, urls) {
      const filter = `ssrf.m${Date.now()}`;
      for (const url of urls) await request(t.url).post('/v1/subscriptions').set('Authorization', auth).send({ url, event_filter: filter }).expect(201);
      const event = (await request(t.url).post('/v1/events').set('Authorization', auth).send({ type: filter, payload: {} }).expect(202)).body.id;
      const deliveries = await eventually(async () => {
        const r = await request(t.url).get(`/v1/deliveries?event_id=${event}&limit=100`).set('Authorization', auth);
        return r.body.data.length === urls.length && r.body.data.every((d: { status: string }) => d.status === 'dead') ? (r.body.data as { id: string }[]) : null;
      }, 30_000, 'every delivery dead');
      const codes: (string | null)[] = [];
      for (const d of deliveries) {
        const detail = await request(t.url).get(`/v1/deliveries/${d.id}`).set('Authorization', auth).expect(200);
        codes.push(detail.body.attempts[0]?.error_code ?? null);
      }
      return codes;
    },
  },
  {
    name: 'test ping',
    create: (t, auth, url) => request(t.url).post('/v1/webhooks/test').set('Authorization', auth).send({ url }),
    async connect(t, auth, urls) {
      const codes: (string | null)[] = [];
      for (const url of urls) {
        const res = await request(t.url).post('/v1/webhooks/test').set('Authorization', auth).send({ url });
        // the ping answers a name that resolves only to refused addresses as a validation error of `url`
        codes.push(res.status === 400 && /refused/.test(JSON.stringify(res.body.errors?.url)) ? 'ssrf_blocked' : `${res.status} ${res.body.error_code ?? ''}`);
      }
      return codes;
    },
  },
];

/** Listens on every local address (IPv4 and IPv6) and counts connections: a refused URL must never reach it. */
async function startTrap(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.end('trapped'));
  server.on('connection', (s) => {
    count++;
    sockets.add(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () => new Promise((resolve) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => resolve());
    }),
  };
}

describe('SSRF matrix (allow-list off)', () => {
  let t: TestApp;
  let auth: string;
  let trap: Awaited<ReturnType<typeof startTrap>>;
  const names: string[] = ['localhost'];

  beforeAll(async () => {
    t = await createTestApp({ env: { WEBHOOK_ALLOWED_CIDRS: '', WEBHOOK_ALLOW_HTTP: 'true' } });
    auth = `Bearer ${await apiKeyFor(t, (await createTenant(t)).id)}`;
    trap = await startTrap();
    // The machine's own name resolves to a loopback address on most hosts (/etc/hosts); used when it does.
    const own = await lookup(hostname(), { all: true }).catch(() => []);
    if (own.length && own.every((a) => !isAddressAllowed(a.address))) names.push(hostname());
  });
  afterAll(async () => {
    await t?.close();
    await trap?.close();
  });

  it.each(TARGETS.map((x) => [x.name, x] as const))('%s: every literal non-global address is refused at create (400, url)', async (_n, target) => {
    const wrong: string[] = [];
    for (const host of LITERAL_HOSTS) {
      for (const scheme of ['http', 'https']) {
        const res = await target.create(t, auth, `${scheme}://${host}:${trap.port}/x`);
        if (res.status !== 400 || !res.body.errors?.url) wrong.push(`${scheme}://${host} → ${res.status}`);
      }
    }
    console.log(`SSRF matrix, ${target.name}: ${LITERAL_HOSTS.length * 2} literal URLs refused at create, ${wrong.length} wrong`);
    expect(wrong).toEqual([]);
    expect(trap.connections()).toBe(0);
  });

  it.each(TARGETS.map((x) => [x.name, x] as const))('%s: a name resolving to loopback is refused at connect time with ssrf_blocked', async (_n, target) => {
    const codes = await target.connect(t, auth, names.map((n) => `http://${n}:${trap.port}/named`));
    console.log(`SSRF matrix, ${target.name}: names ${names.join(', ')} → ${codes.join(', ')}`);
    expect(codes).toEqual(names.map(() => 'ssrf_blocked'));
    expect(trap.connections()).toBe(0);
  });
});

describe('SSRF: a redirect from an allowed receiver towards a private address', () => {
  let t: TestApp;
  let auth: string;
  let trap: Awaited<ReturnType<typeof startTrap>>;
  let redirector: Server;
  let redirects = 0;

  beforeAll(async () => {
    trap = await startTrap();
    // The only allowed address is the redirector's own (127.0.0.2); it answers 302 towards the trap on 127.0.0.1.
    redirector = createServer((_req, res) => {
      redirects++;
      res.writeHead(302, { location: `http://127.0.0.1:${trap.port}/internal` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.2', resolve));
    t = await createTestApp({ env: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.2/32', WEBHOOK_ALLOW_HTTP: 'true' } });
    auth = `Bearer ${await apiKeyFor(t, (await createTenant(t)).id)}`;
  });
  afterAll(async () => {
    await t?.close();
    await trap?.close();
    await new Promise((resolve) => redirector?.close(resolve));
  });

  it('is not followed: the delivery is dead with redirect_refused, the ping reports it, the trap sees nothing', async () => {
    const url = `http://127.0.0.2:${(redirector.address() as AddressInfo).port}/hook`;
    const ping = await request(t.url).post('/v1/webhooks/test').set('Authorization', auth).send({ url }).expect(200);
    expect(ping.body).toMatchObject({ ok: false, status: 302, error_code: 'redirect_refused' });
    await request(t.url).post('/v1/subscriptions').set('Authorization', auth).send({ url, event_filter: 'ssrf.redirect' }).expect(201);
    const event = (await request(t.url).post('/v1/events').set('Authorization', auth).send({ type: 'ssrf.redirect', payload: {} }).expect(202)).body.id;
    const delivery = await eventually(async () => {
      const r = await request(t.url).get(`/v1/deliveries?event_id=${event}`).set('Authorization', auth);
      return r.body.data[0]?.status === 'dead' ? r.body.data[0] : null;
    }, 20_000, 'the redirected delivery to be dead');
    const detail = await request(t.url).get(`/v1/deliveries/${delivery.id}`).set('Authorization', auth).expect(200);
    expect(detail.body.attempts).toHaveLength(1);
    expect(detail.body.attempts[0].response_status).toBe(302);
    expect(redirects).toBe(2);
    expect(trap.connections()).toBe(0);
  });
});
