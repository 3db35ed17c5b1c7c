import request from 'supertest';
import { eventually, WebhookReceiver } from './peers/webhook-receiver';
import { createTestApp, TestApp } from './support/app';
import { createTenant } from './support/auth';
import { apiKeyFor, expectRelaySchema } from './support/relay-contract';

/** With the allow-list off (production defaults), nothing non-global is reachable, whatever its spelling. */
describe('SSRF guard with WEBHOOK_ALLOWED_CIDRS empty', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let key: string;
  const post = (p: string, body?: object) => request(t.url).post(p).set('Authorization', `Bearer ${key}`).send(body);

  beforeAll(async () => {
    t = await createTestApp({ env: { WEBHOOK_ALLOWED_CIDRS: '', WEBHOOK_RETRY_SCHEDULE_SECONDS: '1' } });
    receiver = await WebhookReceiver.start();
    key = await apiKeyFor(t, (await createTenant(t)).id);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const literals = (port: number) => [
    `http://127.1:${port}/`,
    `http://2130706433:${port}/`,
    `http://0.0.0.0:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    'http://[fd00:ec2::254]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://168.63.129.16/',
    'http://[::1]/',
    'http://10.0.0.1/',
    'http://100.64.0.1/',
    'http://[64:ff9b::7f00:1]/',
  ];

  it('refuses literal bad addresses at create and test ping (400)', async () => {
    for (const url of literals(receiver.port)) {
      const created = await post('/v1/subscriptions', { url }).expect(400);
      expectRelaySchema('Problem', created.body);
      expect(created.body.errors.url).toEqual([expect.stringContaining('private')]);
      expect(created.body.detail).toContain('WEBHOOK_ALLOWED_CIDRS');
      expectRelaySchema('Problem', (await post('/v1/webhooks/test', { url }).expect(400)).body);
    }
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses a name that resolves to 127.0.0.1 at connect time: test ping 400, delivery dead with ssrf_blocked', async () => {
    const url = `http://localhost:${receiver.port}/named`;
    const ping = await post('/v1/webhooks/test', { url }).expect(400);
    expectRelaySchema('Problem', ping.body);

    const sub = (await post('/v1/subscriptions', { url, event_filter: 'ssrf.named' }).expect(201)).body;
    const event = (await post('/v1/events', { type: 'ssrf.named', payload: {} }).expect(202)).body;
    const delivery = await eventually(async () => {
      const res = await request(t.url).get(`/v1/deliveries?event_id=${event.id}`).set('Authorization', `Bearer ${key}`).expect(200);
      return res.body.data[0]?.status === 'dead' ? res.body.data[0] : null;
    }, 20_000, 'ssrf delivery to be dead');
    const detail = await request(t.url).get(`/v1/deliveries/${delivery.id}`).set('Authorization', `Bearer ${key}`).expect(200);
    expect(detail.body.attempts).toHaveLength(1);
    expect(detail.body.attempts[0]).toMatchObject({ error_code: 'ssrf_blocked', response_status: null });
    const dead = await request(t.url).get(`/v1/dead-letters?subscription_id=${sub.id}`).set('Authorization', `Bearer ${key}`).expect(200);
    expect(dead.body.data.map((d: { id: string }) => d.id)).toEqual([delivery.id]);
    expect(receiver.requests).toHaveLength(0);
  });
});
