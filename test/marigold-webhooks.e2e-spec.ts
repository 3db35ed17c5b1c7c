import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { eventually, ReceivedRequest, WebhookReceiver } from './peers/webhook-receiver';
import { createTestApp, TestApp } from './support/app';
import { adminToken, createTenant } from './support/auth';
import { expectMarigoldSchema } from './support/marigold-contract';
import { flatSignature } from './support/sns';

const SES_SECRET = 'flat-events-secret-0123456789';
const SUBS = '/api/webhooks/v1/admin/subscriptions';
const SEND = '/api/webhooks/v1/events/send';

describe('Marigold EDC webhooks (CloudEvents ingest, subscription set, custom headers)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  /** Tokens from POST /oauth/token: read+write, and read only. */
  let writer: string;
  let reader: string;

  async function oauthToken(scopes: string[]): Promise<string> {
    const client = await request(t.url).post(`/api/tenants/${tenant.id}/oauth-clients`).set('Authorization', `Bearer ${adminToken()}`).send({ scopes }).expect(201);
    const basic = Buffer.from(`${client.body.client_id}:${client.body.client_secret}`).toString('base64');
    const res = await request(t.url).post('/oauth/token').set('Authorization', `Basic ${basic}`).type('form').send({ grant_type: 'client_credentials' }).expect(200);
    return res.body.access_token as string;
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { SES_EVENTS_HMAC_SECRET: SES_SECRET, WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,1' } });
    receiver = await WebhookReceiver.start();
    tenant = await createTenant(t);
    writer = await oauthToken(['webhooks:read', 'webhooks:write']);
    reader = await oauthToken(['webhooks:read']);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const put = (body: unknown, token = writer) => request(t.url).put(SUBS).set('Authorization', `Bearer ${token}`).send(body as object);
  const list = (token = writer) => request(t.url).get(SUBS).set('Authorization', `Bearer ${token}`);
  const send = (body: unknown, token = writer) => request(t.url).post(SEND).set('Authorization', `Bearer ${token}`).send(body as object);
  const count = async (sql: string) => Number((await t.db.query<{ n: string }>(sql, [tenant.id])).rows[0].n);
  const deliveries = () => count(`SELECT count(*) AS n FROM webhook_deliveries WHERE tenant_id = $1`);
  const events = () => count(`SELECT count(*) AS n FROM webhook_events WHERE tenant_id = $1`);

  /** The signing secret of each Marigold subscription, by path: rotated through the engine's /v1 API to read it once. */
  async function secrets(): Promise<Map<string, string>> {
    const rows = (await t.db.query<{ id: string; url: string }>(`SELECT id, url FROM webhook_subscriptions WHERE tenant_id = $1 AND origin = 'marigold'`, [tenant.id])).rows;
    const out = new Map<string, string>();
    for (const row of rows) {
      const res = await request(t.url).post(`/v1/subscriptions/${row.id}/rotate-secret`).set('Authorization', `Bearer ${tenant.editor}`).expect(200);
      out.set(new URL(row.url).pathname, res.body.signing_secret as string);
    }
    return out;
  }

  /** Every delivery of the tenant settled (none pending or retrying). */
  const allSettled = () =>
    eventually(async () => (await count(`SELECT count(*) AS n FROM webhook_deliveries WHERE tenant_id = $1 AND status IN ('pending', 'failed')`)) === 0, 20_000, 'deliveries to settle');

  const ce = (over: Record<string, unknown>) => ({
    specversion: '1.0',
    id: randomUUID(),
    source: '/sdc/mailer',
    time: '2026-04-05T17:31:00.000Z',
    datacontenttype: 'application/json',
    ...over,
  });

  const THREE = () => [
    {
      filters: ['sdc.*'],
      target_url: receiver.url('/a'),
      headers: [{ name: 'Authorization', value: 'Basic dXNlcjpzM2NyZXQ=' }, { name: 'X-Custom', value: 'one' }],
      advanced_filters: [{ key: 'data.recipient', operator: 'stringEndsWith', value: 'gmail.com' }],
    },
    {
      filters: ['*.failed'],
      target_url: receiver.url('/b'),
      headers: [{ key: 'X-Api-Key', value: 'k-123' }],
      advanced_filters: ['data.attempts numberGreaterThan 2'],
    },
    { filters: ['*.email.*'], target_url: receiver.url('/c'), advanced_filters: [{ key: 'subject', operatorType: 'IsNotNull' }] },
  ];

  describe('a set of 3 subscriptions and a batch of 6 CloudEvents', () => {
    let signing: Map<string, string>;
    let batch: Record<string, unknown>[];
    let accepted: { id: string; cloudevent_id: string; duplicate: boolean }[];

    beforeAll(async () => {
      const res = await put(THREE());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
      expectMarigoldSchema('Updated', res.body);
      signing = await secrets();
      batch = [
        ce({ type: 'sdc.deliveries.email.sent', subject: 's1', tenant: tenant.slug.toUpperCase(), data: { recipient: 'x@gmail.com' } }), // a, c
        ce({ type: 'sdc.deliveries.email.sent', subject: null, data: { recipient: 'x@yahoo.com' } }), // none
        ce({ type: 'sdc.deliveries.email.failed', subject: 's3', data: { recipient: 'y@GMAIL.com', attempts: '3' } }), // a, b, c
        ce({ type: 'smc.journey.failed', data: { attempts: 1 } }), // none
        ce({ type: 'smc.journey.failed', source: 'https://smc.example.com/journeys', data: { attempts: 5 }, journeyid: 'j-77' }), // b
        ce({ type: 'other.thing', subject: 's6', data: { recipient: 'z@gmail.com' } }), // none
      ];
      const sent = await request(t.url).post(SEND).set('Authorization', `Bearer ${writer}`).set('Content-Type', 'application/cloudevents-batch+json').send(JSON.stringify(batch));
      expect(sent.status).toBe(202);
      expectMarigoldSchema('SendEventsResponse', sent.body);
      accepted = sent.body.events;
      await allSettled();
    });

    it('answers 202 with one engine event id per input event, in order', () => {
      expect(accepted.map((a) => a.cloudevent_id)).toEqual(batch.map((e) => e.id));
      expect(accepted.every((a) => !a.duplicate)).toBe(true);
      expect(new Set(accepted.map((a) => a.id)).size).toBe(6);
    });

    it('delivers exactly the matching events, in structured mode, as received', async () => {
      const ids = (path: string) => receiver.on(path).map((r) => JSON.parse(r.body).id as string).sort();
      expect(ids('/a')).toEqual([batch[0].id, batch[2].id].sort());
      expect(ids('/b')).toEqual([batch[2].id, batch[4].id].sort());
      expect(ids('/c')).toEqual([batch[0].id, batch[2].id].sort());
      for (const req of ['/a', '/b', '/c'].flatMap((p) => receiver.on(p))) {
        expect(req.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
        const body = JSON.parse(req.body);
        expect(body).toEqual(batch.find((e) => e.id === body.id));
      }
      expect(JSON.parse(receiver.on('/b').find((r) => JSON.parse(r.body).id === batch[4].id)!.body).journeyid).toBe('j-77');
    });

    it('signs every request with Standard Webhooks headers that verify, and adds the custom headers', () => {
      const verify = (path: string, req: ReceivedRequest) => new Webhook(signing.get(path)!).verify(req.body, req.headers as Record<string, string>);
      for (const path of ['/a', '/b', '/c']) {
        for (const req of receiver.on(path)) expect(() => verify(path, req)).not.toThrow();
      }
      for (const req of receiver.on('/a')) {
        expect(req.headers.authorization).toBe('Basic dXNlcjpzM2NyZXQ=');
        expect(req.headers['x-custom']).toBe('one');
      }
      for (const req of receiver.on('/b')) expect(req.headers['x-api-key']).toBe('k-123');
      for (const req of receiver.on('/c')) expect(req.headers['x-api-key']).toBeUndefined();
      // another subscription's secret does not verify
      expect(() => new Webhook(signing.get('/b')!).verify(receiver.on('/a')[0].body, receiver.on('/a')[0].headers as Record<string, string>)).toThrow();
    });

    it('records the request headers in the attempt log with custom header values redacted', async () => {
      const rows = (
        await t.db.query<{ request_headers: Record<string, string> }>(
          `SELECT a.request_headers FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
             JOIN webhook_subscriptions s ON s.id = d.subscription_id WHERE d.tenant_id = $1 AND s.url LIKE '%/a'`,
          [tenant.id],
        )
      ).rows;
      expect(rows).toHaveLength(2);
      for (const { request_headers: h } of rows) {
        expect(h).toMatchObject({ Authorization: '[redacted]', 'X-Custom': '[redacted]', 'content-type': 'application/cloudevents+json; charset=utf-8' });
        expect(h['webhook-signature']).toMatch(/^v1,/);
        expect(JSON.stringify(h)).not.toContain('dXNlcjpzM2NyZXQ=');
      }
    });

    it('keeps header values sealed at rest and shows them to the owning tenant only', async () => {
      const stored = (await t.db.query<{ headers: Record<string, string> }>(`SELECT headers FROM webhook_subscriptions WHERE tenant_id = $1 AND url LIKE '%/a'`, [tenant.id])).rows[0];
      expect(Object.keys(stored.headers).sort()).toEqual(['Authorization', 'X-Custom']);
      expect(JSON.stringify(stored.headers)).not.toContain('dXNlcjpzM2NyZXQ=');
      expect(stored.headers.Authorization).toMatch(/^v1\./);

      const res = await list(reader).expect(200);
      expectMarigoldSchema('SubscriptionList', res.body);
      expect(res.body).toEqual([
        {
          filters: ['sdc.*'],
          target_url: receiver.url('/a'),
          headers: expect.arrayContaining([{ name: 'Authorization', value: 'Basic dXNlcjpzM2NyZXQ=' }, { name: 'X-Custom', value: 'one' }]),
          advanced_filters: [{ key: 'data.recipient', operator: 'stringEndsWith', value: 'gmail.com' }],
        },
        { filters: ['*.failed'], target_url: receiver.url('/b'), headers: [{ name: 'X-Api-Key', value: 'k-123' }], advanced_filters: [{ key: 'data.attempts', operator: 'numberGreaterThan', value: '2' }] },
        { filters: ['*.email.*'], target_url: receiver.url('/c'), headers: null, advanced_filters: [{ key: 'subject', operator: 'isNotNull' }] },
      ]);

      const other = await createTenant(t);
      const theirs = await request(t.url).get(SUBS).set('Authorization', `Bearer ${other.viewer}`).expect(200);
      expect(theirs.body).toEqual([]);
    });

    it('accepts the same source + id again within 24 h without delivering it twice', async () => {
      const before = await deliveries();
      const marker = ce({ type: 'sdc.deliveries.email.sent', subject: 'm', data: { recipient: 'marker@gmail.com' } });
      const res = await send([batch[0], marker]).expect(202);
      expectMarigoldSchema('SendEventsResponse', res.body);
      expect(res.body.events[0]).toEqual({ id: accepted[0].id, cloudevent_id: batch[0].id, source: '/sdc/mailer', duplicate: true });
      expect(res.body.events[1].duplicate).toBe(false);
      // a repeat inside one batch is one event too
      const twice = ce({ type: 'nothing.matches' });
      const again = await send([twice, twice]).expect(202);
      expect(again.body.events[1]).toMatchObject({ id: again.body.events[0].id, duplicate: true });

      await receiver.waitFor('/c', 3);
      await allSettled();
      expect(await deliveries()).toBe(before + 2); // the marker to /a and /c, nothing for the repeat
      expect(receiver.on('/a').filter((r) => JSON.parse(r.body).id === batch[0].id)).toHaveLength(1);
      // the same id from another source is another event
      const otherSource = await send({ ...batch[0], source: '/another/producer' }).expect(202);
      expect(otherSource.body.events[0].duplicate).toBe(false);
    });

    it('delivers the same source + id again once the earlier one is older than 24 h', async () => {
      await t.db.query(`UPDATE webhook_events SET created_at = now() - interval '25 hours' WHERE id = $1`, [accepted[0].id]);
      const res = await send([batch[0], batch[0]]).expect(202);
      expect(res.body.events[0]).toMatchObject({ cloudevent_id: batch[0].id, duplicate: false });
      expect(res.body.events[0].id).not.toBe(accepted[0].id);
      expect(res.body.events[1]).toMatchObject({ id: res.body.events[0].id, duplicate: true });
      await allSettled();
      const sameEvent = (r: ReceivedRequest) => JSON.parse(r.body).id === batch[0].id && JSON.parse(r.body).source === batch[0].source;
      expect(receiver.on('/a').filter(sameEvent)).toHaveLength(2);
      const held = await t.db.query<{ id: string }>(
        `SELECT id FROM webhook_events WHERE tenant_id = $1 AND dedup_key IS NOT NULL AND attributes->>'id' = $2 AND attributes->>'source' = $3`,
        [tenant.id, batch[0].id, batch[0].source],
      );
      expect(held.rows.map((r) => r.id)).toEqual([res.body.events[0].id]);
    });

    it("keeps each subscription's row and signing secret when the set is put again (also reordered)", async () => {
      const rows = async () =>
        (await t.db.query<{ id: string; url: string; sealed_secret: string }>(`SELECT id, url, sealed_secret FROM webhook_subscriptions WHERE tenant_id = $1 AND origin = 'marigold' ORDER BY url`, [tenant.id])).rows;
      const before = await rows();
      const [a, b, c] = THREE();
      await put([c, a, b]).expect(200);
      expect(await rows()).toEqual(before);
      expect((await list().expect(200)).body.map((s: { target_url: string }) => new URL(s.target_url).pathname)).toEqual(['/c', '/a', '/b']);
      await put([a, b, c]).expect(200);
    });

    it("refuses a batch with another tenant's tenant attribute (403) and stores none of it", async () => {
      const before = await events();
      const res = await send([ce({ type: 'sdc.x', tenant: tenant.id }), ce({ type: 'sdc.x', tenant: 'EU.SOMEONE-ELSE' })]);
      expect(res.status).toBe(403);
      expectMarigoldSchema('Error', res.body);
      expect(res.body.traceId).toBe(res.headers['x-request-id']);
      expect(await events()).toBe(before);
    });
  });

  describe('validation', () => {
    it('answers 400 in the Marigold error shape, keyed by position and field, and stores nothing of the batch', async () => {
      const before = await events();
      const res = await send([
        ce({ type: 'a.b' }),
        ce({ type: 'a.b', time: 'yesterday', dataschema: 'not a uri' }),
        ce({ type: 'a.b', source: undefined, specversion: '0.3', Bad_Name: 1 }),
      ]);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expectMarigoldSchema('ValidationError', res.body);
      expect(res.body.traceId).toBe(res.headers['x-request-id']);
      expect(Object.keys(res.body.errors).sort()).toEqual(['[1].dataschema', '[1].time', '[2].Bad_Name', '[2].source', '[2].specversion']);
      expect(await events()).toBe(before);
    });

    it('keys a lone event by field name, and refuses an empty batch', async () => {
      const lone = await send({ id: 'x', source: '/s' });
      expect(lone.status).toBe(400);
      expect(Object.keys(lone.body.errors)).toEqual(['type']);
      expect((await send([])).status).toBe(400);
    });

    it('answers 413 over 1,000 events or 1 MB', async () => {
      const many = Array.from({ length: 1001 }, () => ce({ type: 'a.b' }));
      const res = await send(many);
      expect(res.status).toBe(413);
      expectMarigoldSchema('Error', res.body);
      const big = await send([ce({ type: 'a.b', data: { blob: 'x'.repeat(1024 * 1024) } })]);
      expect(big.status).toBe(413);
    });

    it('changes nothing when one entry of a PUT is bad', async () => {
      const before = (await list().expect(200)).body;
      const res = await put([...THREE(), { filters: ['ok.*'], target_url: receiver.url('/d'), advanced_filters: [{ key: 'data.x', operator: 'startsWith', value: 'y' }] }]);
      expect(res.status).toBe(400);
      expectMarigoldSchema('ValidationError', res.body);
      expect(Object.keys(res.body.errors)).toEqual(['[3].advanced_filters[0].operator']);
      const badFilter = await put([{ filters: ['de*ry.sent'], target_url: receiver.url('/d') }]);
      expect(Object.keys(badFilter.body.errors)).toEqual(['[0].filters[0]']);
      expect((await list().expect(200)).body).toEqual(before);
    });

    it.each(['Content-Type', 'content-length', 'CONNECTION', 'Host', 'Cache-Control', 'Transfer-Encoding', 'webhook-signature', 'Bad Name'])(
      'refuses the header %s, naming it',
      async (name) => {
        const res = await put([{ filters: ['*'], target_url: receiver.url('/h'), headers: [{ name, value: 'x' }] }]);
        expect(res.status).toBe(400);
        expect(res.body.errors['[0].headers[0]'][0]).toContain(name);
      },
    );

    it('refuses a target URL the SSRF guard blocks', async () => {
      const res = await put([{ filters: ['*'], target_url: 'http://169.254.169.254/latest' }]);
      expect(res.status).toBe(400);
      expect(Object.keys(res.body.errors)).toEqual(['[0].target_url']);
    });

    it('takes a URL without a scheme as https', async () => {
      const other = await createTenant(t);
      await request(t.url).put(SUBS).set('Authorization', `Bearer ${other.editor}`).send([{ filters: ['sdc.*'], target_url: 'www.example.com/sdc' }]).expect(200);
      const res = await request(t.url).get(SUBS).set('Authorization', `Bearer ${other.editor}`).expect(200);
      expect(res.body[0].target_url).toBe('https://www.example.com/sdc');
    });
  });

  describe('Swagger', () => {
    it('documents the four operations under their own tag, with schemas, examples and every status', async () => {
      const doc = (await request(t.url).get('/docs-json').expect(200)).body;
      const ops = [
        [SEND, 'post', 'marigoldSendEvents', ['202', '400', '401', '403', '413', '429']],
        [SUBS, 'get', 'marigoldListSubscriptions', ['200', '400', '401', '403', '429']],
        [SUBS, 'put', 'marigoldReplaceSubscriptions', ['200', '400', '401', '403', '413', '429']],
        [SUBS, 'delete', 'marigoldDeleteSubscriptions', ['204', '400', '401', '403', '429']],
      ] as const;
      for (const [path, method, operationId, statuses] of ops) {
        const op = doc.paths[path][method];
        expect(op).toMatchObject({ operationId, tags: ['Marigold webhooks (CloudEvents)'], summary: expect.any(String), description: expect.any(String) });
        expect(Object.keys(op.responses).sort()).toEqual([...statuses].sort());
        expect(op.security).toEqual(expect.arrayContaining([{ oauth2: [method === 'get' ? 'webhooks:read' : 'webhooks:write'] }]));
        // every error is problem+json with the shared schema, and its example carries the Marigold traceId
        for (const status of statuses.filter((s) => s >= '400')) {
          expect(op.responses[status].content['application/problem+json']).toMatchObject({ schema: { $ref: '#/components/schemas/ErrorResponse' }, example: { traceId: expect.any(String) } });
        }
      }
      expect(doc.paths[SEND].post.requestBody.content['application/json'].examples.batch.value[0].type).toBe('sdc.deliveries.email.sent');
      expect(doc.components.schemas.MarigoldAdvancedFilter.properties.operator.enum).toContain('numberNotInRange');
      expect(doc.components.schemas.MarigoldHeader.required).toEqual(['name', 'value']);
    });
  });

  describe('auth', () => {
    it('needs a token (401) and a write scope to change subscriptions or send events (403)', async () => {
      expect((await request(t.url).get(SUBS)).status).toBe(401);
      expect((await put(THREE(), reader)).status).toBe(403);
      expect((await send([ce({ type: 'a.b' })], reader)).status).toBe(403);
      expect((await request(t.url).delete(SUBS).set('Authorization', `Bearer ${reader}`)).status).toBe(403);
      await list(reader).expect(200);
      await list(tenant.viewer).expect(200); // a tenant JWT works too
    });
  });

  describe('engine events', () => {
    it('delivers a hard bounce to a *.bounced subscription as a signed CloudEvent', async () => {
      await put([{ filters: ['*.bounced'], target_url: receiver.url('/bounced'), advanced_filters: [{ key: 'data.email', operator: 'stringEndsWith', value: '@example.com' }] }]).expect(200);
      const signing = await secrets();
      const body = JSON.stringify({ event_type: 'hard_bounced', message_id: `ses-${randomUUID()}`, tenant_id: tenant.id, email: 'gone@example.com', occurred_at: new Date().toISOString() });
      await request(t.url).post('/webhooks/ses').set('Content-Type', 'application/json').set('X-Amz-Sns-Signature', flatSignature(body, SES_SECRET)).send(body).expect(200);
      const [req] = await receiver.waitFor('/bounced', 1);
      expect(req.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
      expect(() => new Webhook(signing.get('/bounced')!).verify(req.body, req.headers as Record<string, string>)).not.toThrow();
      const event = JSON.parse(req.body);
      expect(event).toMatchObject({
        specversion: '1.0',
        id: req.headers['webhook-id'],
        source: `/send-engine/tenants/${tenant.id}`,
        type: 'email.bounced',
        datacontenttype: 'application/json',
        data: { email: 'gone@example.com', bounce_type: 'hard' },
      });
      expect(Number.isNaN(Date.parse(event.time))).toBe(false);
    });
  });

  describe('DELETE', () => {
    it('removes the set (204) and nothing more is sent to it; the delivery history stays', async () => {
      const history = await deliveries();
      const res = await request(t.url).delete(SUBS).set('Authorization', `Bearer ${writer}`);
      expect(res.status).toBe(204);
      expect((await list().expect(200)).body).toEqual([]);
      const received = receiver.requests.length;
      await send([ce({ type: 'sdc.deliveries.email.bounced', subject: 's', data: { recipient: 'a@gmail.com', email: 'a@example.com' } })]).expect(202);
      expect(await deliveries()).toBe(history);
      expect(receiver.requests.length).toBe(received);
    });
  });
});
