import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { EngineEvent, EngineEvents } from '../src/modules/webhooks/engine-events';
import { createTestApp, TestApp } from './support/app';
import { adminToken, createTenant } from './support/auth';
import { MemberCenterClient } from './support/member-center';
import { createSnsKeyPair, flatSignature, signSns, SnsKeyPair, SnsStandIn, startSnsStandIn, UnsignedSnsMessage } from './support/sns';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ses-events';
const SECRET = 'flat-events-secret-0123456789';

// The e2e project's testTimeout does not reach hooks and tests here (Jest applies it globally only); booting the
// app on a loaded machine can take longer than the 5 s default.

describe('SES events (POST /webhooks/ses, GET /api/ses-events, GET /api/deliverability)', () => {
  let t: TestApp;
  let keys: SnsKeyPair;
  /** A key pair SNS did not issue: its signatures must not verify with the served certificate. */
  let otherKeys: SnsKeyPair;
  let sns: SnsStandIn;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let published: EngineEvent[];

  beforeAll(async () => {
    [keys, otherKeys] = await Promise.all([createSnsKeyPair(), createSnsKeyPair()]);
    sns = await startSnsStandIn(keys.certPem);
    t = await createTestApp({
      env: {
        SES_SNS_TOPIC_ARNS: `arn:aws:sns:eu-west-1:123456789012:other,${TOPIC}`,
        SNS_TRUSTED_CERT_URL_PREFIXES: sns.base,
        SES_EVENTS_HMAC_SECRET: SECRET,
        SOFT_BOUNCE_LIMIT: '3',
        SOFT_BOUNCE_WINDOW_DAYS: '30',
      },
    });
    tenant = await createTenant(t);
    // Observes the engine-event call path (calls through to the real publisher; nothing is replaced).
    const engineEvents = t.app.get(EngineEvents, { strict: false });
    const publish = engineEvents.publish.bind(engineEvents);
    engineEvents.publish = async (event, manager) => {
      published.push(event);
      return publish(event, manager);
    };
  });
  beforeEach(() => {
    published = [];
  });
  afterAll(async () => {
    await t?.close();
    await sns?.close();
  });

  /** A fresh certificate path per message, so the verifier's cache never hides whether a fetch happened. */
  const certUrl = () => `${sns.base}SimpleNotificationService-${randomUUID().replace(/-/g, '')}.pem`;

  const unsigned = (over: Partial<UnsignedSnsMessage> = {}): UnsignedSnsMessage => ({
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: TOPIC,
    Message: '{}',
    Timestamp: new Date().toISOString(),
    SignatureVersion: '2',
    SigningCertURL: certUrl(),
    ...over,
  });

  const postRaw = (body: string, type = 'Notification') =>
    request(t.url).post('/webhooks/ses').set('Content-Type', 'text/plain; charset=UTF-8').set('x-amz-sns-message-type', type).send(body);
  const postSns = (over: Partial<UnsignedSnsMessage> = {}) => {
    const message = signSns(unsigned(over), keys.keyPem);
    return postRaw(JSON.stringify(message), message.Type);
  };
  const postFlat = (body: unknown, signature: string | null = flatSignature(JSON.stringify(body), SECRET)) => {
    const req = request(t.url).post('/webhooks/ses').set('Content-Type', 'application/json');
    if (signature !== null) req.set('X-Amz-Sns-Signature', signature);
    return req.send(JSON.stringify(body));
  };

  /** An SES event-publishing notification tagged with our tenant (and message) tags. */
  const sesEvent = (eventType: string, detail: Record<string, unknown>, opts: { tenantId?: string | null; destination?: string[]; sesMessageId?: string } = {}) => {
    const tenantId = opts.tenantId === undefined ? tenant.id : opts.tenantId;
    return JSON.stringify({
      eventType,
      mail: {
        timestamp: new Date().toISOString(),
        messageId: opts.sesMessageId ?? `ses-${randomUUID()}`,
        destination: opts.destination ?? ['someone@example.com'],
        tags: tenantId ? { tenant_id: [tenantId], send_job_id: [randomUUID()], message_id: [randomUUID()] } : {},
      },
      ...detail,
    });
  };
  const hardBounce = (email: string, tenantId?: string | null) =>
    sesEvent('Bounce', { bounce: { bounceType: 'Permanent', bounceSubType: 'General', timestamp: new Date().toISOString(), bouncedRecipients: [{ emailAddress: email, diagnosticCode: 'smtp; 550 5.1.1 user unknown' }] } }, { tenantId, destination: [email] });

  const addSubscriber = async (email: string, tenantId = tenant.id) => {
    const id = randomUUID();
    await t.db.query(`INSERT INTO subscribers (tenant_id, id, email, status, last_occurred_at) VALUES ($1, $2, $3, 'active', now())`, [tenantId, id, email]);
    return id;
  };
  const subscriberStatus = async (email: string) =>
    (await t.db.query<{ status: string }>(`SELECT status FROM subscribers WHERE tenant_id = $1 AND email = $2`, [tenant.id, email])).rows[0]?.status;
  const suppressions = async (email: string) =>
    (await t.db.query<{ reason: string; source: string }>(`SELECT reason, source FROM suppressions WHERE tenant_id = $1 AND email = $2 AND lifted_at IS NULL`, [tenant.id, email])).rows;
  const eventRows = async (email: string) =>
    (await t.db.query<{ type: string; bounce_kind: string | null; outcome: string; source: string }>(`SELECT type, bounce_kind, outcome, source FROM ses_events WHERE email = $1 ORDER BY created_at`, [email])).rows;

  describe('SNS signatures', () => {
    it('accepts SignatureVersion 1 and 2', async () => {
      for (const version of ['1', '2']) {
        const res = await postSns({ SignatureVersion: version, Message: sesEvent('Delivery', { delivery: { recipients: [`v${version}@example.com`] } }, { destination: [`v${version}@example.com`] }) });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ status: 'ok', events: 1 });
      }
    });

    it('accepts Subject absent, null and present, and unicode and newlines in Message', async () => {
      await postSns({ Message: 'not json' }).expect(200, { status: 'ok', events: 0 });
      await postSns({ Subject: null, Message: 'Grüße 🚀\nzweite Zeile\r\n' }).expect(200);
      await postSns({ Subject: 'Amazon SES Email Event Notification ✉', Message: sesEvent('Open', { open: { userAgent: 'Mozilla\n“quoted”' } }, { destination: ['ünïcode@example.com'] }) }).expect(200, { status: 'ok', events: 1 });
      expect(await eventRows('ünïcode@example.com')).toEqual([expect.objectContaining({ type: 'open', source: 'sns' })]);
    });

    it('refuses SignatureVersion 3, one changed byte and a signature by another key', async () => {
      const v3 = signSns(unsigned(), keys.keyPem);
      const res = await postRaw(JSON.stringify({ ...v3, SignatureVersion: '3' }));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'unauthorized', reason: 'unsupported_signature_version' });

      const signed = signSns(unsigned({ Message: 'payload' }), keys.keyPem);
      const changed = await postRaw(JSON.stringify({ ...signed, Message: 'paylOad' }));
      expect(changed.status).toBe(401);
      expect(changed.body.reason).toBe('bad_signature');

      const foreign = await postRaw(JSON.stringify(signSns(unsigned(), otherKeys.keyPem)));
      expect(foreign.body.reason).toBe('bad_signature');
    });
  });

  describe('certificate fetching', () => {
    it.each([
      ['a redirect (not followed)', 'redirect'],
      ['a body over the size cap', 'huge'],
      ['a 404', 'missing'],
    ])('refuses %s as certificate_unusable', async (_why, name) => {
      const res = await postSns({ SigningCertURL: `${sns.base}SimpleNotificationService-${name}-${randomUUID()}.pem` });
      expect(res.status).toBe(401);
      expect(res.body.reason).toBe('certificate_unusable');
      expect(sns.requests.some((r) => r.url.includes('-target'))).toBe(false);
    });

    it('fetches a certificate once and serves later messages from the cache', async () => {
      const url = certUrl();
      for (let i = 0; i < 3; i++) await postSns({ SigningCertURL: url }).expect(200);
      expect(sns.requests.filter((r) => url.endsWith(r.url))).toHaveLength(1);
    });
  });

  describe('refused before anything is fetched', () => {
    const port = () => new URL(sns.base).port;
    it.each([
      ['plain http that is not allow-listed', () => `http://localhost:${port()}/SimpleNotificationService-abc.pem`],
      ['user info on the allow-listed host', () => `http://user:pw@127.0.0.1:${port()}/SimpleNotificationService-abc.pem`],
      ['s3.amazonaws.com', () => 'https://s3.amazonaws.com/SimpleNotificationService-abc.pem'],
      ['a look-alike host', () => 'https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-abc.pem'],
      ['user info', () => 'https://user@sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem'],
      ['a port', () => `https://sns.us-east-1.amazonaws.com:${port()}/SimpleNotificationService-abc.pem`],
      ['a query', () => 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem?redirect=http://169.254.169.254/'],
    ])('a certificate URL with %s', async (_why, url) => {
      const before = sns.requests.length;
      const res = await postSns({ SigningCertURL: url() });
      expect(res.status).toBe(401);
      // This reason is decided before any fetch; a fetch of these hosts would have answered certificate_unavailable.
      expect(res.body.reason).toBe('untrusted_certificate_url');
      expect(sns.requests.length).toBe(before);
    });

    it('a foreign TopicArn (403), even when otherwise valid', async () => {
      const before = sns.requests.length;
      const res = await postSns({ TopicArn: 'arn:aws:sns:us-east-1:999999999999:someone-else', Message: hardBounce('foreign-topic@example.com') });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: 'forbidden', reason: 'topic_not_allowed' });
      expect(sns.requests.length).toBe(before);
      expect(await eventRows('foreign-topic@example.com')).toEqual([]);
    });

    it('a SubscribeURL pointing at 169.254.169.254 (403): neither the certificate nor the URL is fetched', async () => {
      const before = sns.requests.length;
      const res = await postSns({ Type: 'SubscriptionConfirmation', SubscribeURL: 'http://169.254.169.254/latest/meta-data/', Token: 'tok', Message: 'You have chosen to subscribe' });
      expect(res.status).toBe(403);
      expect(res.body.reason).toBe('subscribe_url_not_allowed');
      expect(sns.requests.length).toBe(before);
    });
  });

  describe('subscriptions', () => {
    it('confirms a SubscriptionConfirmation once, however often it arrives', async () => {
      const token = randomUUID();
      const message = signSns(
        unsigned({ Type: 'SubscriptionConfirmation', SubscribeURL: `${sns.base}confirm?Action=ConfirmSubscription&Token=${token}`, Token: token, Message: 'You have chosen to subscribe to the topic' }),
        keys.keyPem,
      );
      for (let i = 0; i < 3; i++) await postRaw(JSON.stringify(message), 'SubscriptionConfirmation').expect(200);
      expect(sns.requests.filter((r) => r.method === 'GET' && r.url.includes(token))).toHaveLength(1);
      const receipt = await t.db.query(`SELECT type, confirmed_at FROM sns_receipts WHERE message_id = $1`, [message.MessageId]);
      expect(receipt.rows).toEqual([{ type: 'SubscriptionConfirmation', confirmed_at: expect.any(Date) }]);
    });

    it('answers 503 when the confirmation GET fails, and keeps no receipt so SNS\'s retry confirms again', async () => {
      const message = signSns(
        unsigned({ Type: 'SubscriptionConfirmation', SubscribeURL: `${sns.base}unavailable?Token=t`, Token: 't', Message: 'You have chosen to subscribe' }),
        keys.keyPem,
      );
      const res = await postRaw(JSON.stringify(message), 'SubscriptionConfirmation');
      expect(res.status).toBe(503);
      expect(res.body.reason).toBe('subscription_confirmation_failed');
      expect((await t.db.query(`SELECT 1 FROM sns_receipts WHERE message_id = $1`, [message.MessageId])).rows).toEqual([]);
    });

    it('does not resubscribe on an UnsubscribeConfirmation', async () => {
      const token = randomUUID();
      await postSns({ Type: 'UnsubscribeConfirmation', SubscribeURL: `${sns.base}confirm?Action=ConfirmSubscription&Token=${token}`, Token: token, Message: 'You have unsubscribed' }).expect(200);
      expect(sns.requests.filter((r) => r.url.includes(token))).toEqual([]);
    });
  });

  describe('effects', () => {
    it('applies the same MessageId three times only once', async () => {
      const email = 'thrice@example.com';
      await addSubscriber(email);
      const message = signSns(unsigned({ Message: hardBounce(email) }), keys.keyPem);
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push((await postRaw(JSON.stringify(message)).expect(200)).body);
      expect(answers).toEqual([{ status: 'ok', events: 1 }, { status: 'ok', events: 0, duplicate: true }, { status: 'ok', events: 0, duplicate: true }]);
      expect(await eventRows(email)).toHaveLength(1);
      expect(await suppressions(email)).toHaveLength(1);
      expect(published.map((e) => e.type)).toEqual(['email.bounced', 'subscriber.suppressed']);
    });

    it('applies one of three concurrent deliveries of one MessageId', async () => {
      const email = 'parallel@example.com';
      const message = JSON.stringify(signSns(unsigned({ Message: hardBounce(email) }), keys.keyPem));
      const answers = await Promise.all([postRaw(message), postRaw(message), postRaw(message)]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(answers.map((a) => a.body.events).sort()).toEqual([0, 0, 1]);
      expect(await eventRows(email)).toHaveLength(1);
      expect(published.filter((e) => e.type === 'subscriber.suppressed')).toHaveLength(1);
    });

    it('suppresses once when soft bounces reaching the limit arrive concurrently', async () => {
      const email = 'soft-parallel@example.com';
      const soft = () => postFlat({ event_type: 'soft_bounced', message_id: `ses-${randomUUID()}`, tenant_id: tenant.id, email, occurred_at: new Date().toISOString() });
      expect((await Promise.all([soft(), soft(), soft(), soft()])).map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect((await eventRows(email)).map((r) => r.outcome).sort()).toEqual(['soft_bounce_counted', 'soft_bounce_counted', 'suppressed', 'suppressed']);
      expect(await suppressions(email)).toEqual([{ reason: 'soft_bounce_limit', source: 'ses' }]);
      expect(published.filter((e) => e.type === 'subscriber.suppressed')).toHaveLength(1);
    });

    it('hard bounce: suppresses every bounced recipient with the reason, marks the subscriber bounced, publishes events', async () => {
      await addSubscriber('hard-1@example.com');
      await addSubscriber('hard-2@example.com');
      const message = sesEvent(
        'Bounce',
        { bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: [{ emailAddress: 'Hard-1@Example.com' }, { emailAddress: 'hard-2@example.com' }] } },
        { destination: ['hard-1@example.com', 'hard-2@example.com'] },
      );
      await postSns({ Message: message }).expect(200, { status: 'ok', events: 2 });
      for (const email of ['hard-1@example.com', 'hard-2@example.com']) {
        expect(await suppressions(email)).toEqual([{ reason: 'hard_bounce', source: 'ses' }]);
        expect(await subscriberStatus(email)).toBe('bounced');
        expect(await eventRows(email)).toEqual([{ type: 'bounce', bounce_kind: 'hard', outcome: 'suppressed', source: 'sns' }]);
      }
      expect(published.map((e) => [e.type, e.tenantId, e.data.email])).toEqual([
        ['email.bounced', tenant.id, 'hard-1@example.com'],
        ['subscriber.suppressed', tenant.id, 'hard-1@example.com'],
        ['email.bounced', tenant.id, 'hard-2@example.com'],
        ['subscriber.suppressed', tenant.id, 'hard-2@example.com'],
      ]);
      expect(published[1].data).toMatchObject({ reason: 'hard_bounce', source: 'ses' });
    });

    it('complaint (older notificationType format, found by tags): suppressed as complaint', async () => {
      await addSubscriber('complainer@example.com');
      const message = JSON.stringify({
        notificationType: 'Complaint',
        mail: { messageId: `ses-${randomUUID()}`, destination: ['complainer@example.com'], tags: { tenant_id: [tenant.id] } },
        complaint: { complainedRecipients: [{ emailAddress: 'complainer@example.com' }], complaintFeedbackType: 'abuse', timestamp: new Date().toISOString() },
      });
      await postSns({ Message: message }).expect(200, { status: 'ok', events: 1 });
      expect(await suppressions('complainer@example.com')).toEqual([{ reason: 'complaint', source: 'ses' }]);
      expect(await subscriberStatus('complainer@example.com')).toBe('complaint');
      expect(published.map((e) => e.type)).toEqual(['email.complained', 'subscriber.suppressed']);
    });

    it('soft bounces: counted, suppressed at the limit within the window (older ones do not count)', async () => {
      const email = 'soft@example.com';
      await addSubscriber(email);
      const soft = (daysAgo: number) =>
        postFlat({ event_type: 'soft_bounced', message_id: `ses-${randomUUID()}`, tenant_id: tenant.id, email, occurred_at: new Date(Date.now() - daysAgo * 86_400_000).toISOString() }).expect(200);
      await soft(45);
      await soft(2);
      await soft(1);
      expect(await suppressions(email)).toEqual([]);
      expect(await subscriberStatus(email)).toBe('active');
      expect((await eventRows(email)).map((r) => r.outcome)).toEqual(['soft_bounce_counted', 'soft_bounce_counted', 'soft_bounce_counted']);
      await soft(0);
      expect(await suppressions(email)).toEqual([{ reason: 'soft_bounce_limit', source: 'ses' }]);
      expect(await subscriberStatus(email)).toBe('suppressed');
      expect(published.map((e) => e.type)).toEqual(['email.bounced', 'email.bounced', 'email.bounced', 'email.bounced', 'subscriber.suppressed']);
    });

    it('soft bounces arriving newest first still reach the limit', async () => {
      const email = 'soft-reversed@example.com';
      const at = Date.now() - 60_000;
      for (const offsetMs of [3000, 2000, 1000]) {
        await postFlat({ event_type: 'soft_bounced', message_id: `ses-${randomUUID()}`, tenant_id: tenant.id, email, occurred_at: new Date(at + offsetMs).toISOString() }).expect(200);
      }
      expect((await eventRows(email)).map((r) => r.outcome).sort()).toEqual(['soft_bounce_counted', 'soft_bounce_counted', 'suppressed']);
      expect(await suppressions(email)).toEqual([{ reason: 'soft_bounce_limit', source: 'ses' }]);
    });

    it('suppression: suppressed, and a second report neither duplicates nor republishes', async () => {
      const email = 'ses-suppressed@example.com';
      await addSubscriber(email);
      const body = { event_type: 'suppression', message_id: `ses-${randomUUID()}`, tenant_id: tenant.id, email, occurred_at: new Date().toISOString() };
      await postFlat(body).expect(200, { status: 'ok', events: 1 });
      await postFlat({ ...body, message_id: `ses-${randomUUID()}` }).expect(200, { status: 'ok', events: 1 });
      expect(await suppressions(email)).toEqual([{ reason: 'ses_suppression', source: 'ses' }]);
      expect(await subscriberStatus(email)).toBe('suppressed');
      expect(published.map((e) => e.type)).toEqual(['subscriber.suppressed']);
    });

    it('a later Member Center subscription.activated does not lift a suppression learned from SES', async () => {
      const mc = await MemberCenterClient.create(t, tenant.id);
      const [listId, id, email] = [randomUUID(), randomUUID(), 'mc-later@example.com'];
      const activated = () => ({
        event_id: randomUUID(),
        event_type: 'subscription.activated',
        tenant_id: tenant.id,
        list_id: listId,
        subscriber: { id, email, status: 'active' },
        occurred_at: new Date().toISOString(),
      });
      await mc.post('/webhooks/subscriptions', activated()).expect(200);
      await postSns({ Message: hardBounce(email) }).expect(200);
      const membership = () => t.db.query(`SELECT status FROM list_memberships WHERE tenant_id = $1 AND list_id = $2 AND subscriber_id = $3`, [tenant.id, listId, id]);
      expect((await membership()).rows).toEqual([{ status: 'bounced' }]);

      await mc.post('/webhooks/subscriptions', activated()).expect(200);
      expect(await suppressions(email)).toEqual([{ reason: 'hard_bounce', source: 'ses' }]);
      expect(await subscriberStatus(email)).toBe('bounced');
      expect((await membership()).rows).toEqual([{ status: 'bounced' }]);
    });

    it('records an event for an unknown message as unmatched (200), with no effect', async () => {
      await postSns({ Message: hardBounce('nobody@example.com', null) }).expect(200, { status: 'ok', events: 1 });
      const rows = await t.db.query(`SELECT tenant_id, outcome, message_matched FROM ses_events WHERE email = 'nobody@example.com'`);
      expect(rows.rows).toEqual([{ tenant_id: null, outcome: 'unmatched', message_matched: false }]);
      expect(published).toEqual([]);
    });

    it('ignores a tag naming a tenant that does not exist', async () => {
      await postSns({ Message: hardBounce('ghost@example.com', randomUUID()) }).expect(200);
      const rows = await t.db.query(`SELECT tenant_id, outcome FROM ses_events WHERE email = 'ghost@example.com'`);
      expect(rows.rows).toEqual([{ tenant_id: null, outcome: 'unmatched' }]);
    });
  });

  describe('flat SesEvent', () => {
    const flat = (over: Record<string, unknown> = {}) => ({
      event_type: 'delivery',
      message_id: `ses-${randomUUID()}`,
      tenant_id: tenant.id,
      email: 'flat@example.com',
      occurred_at: new Date().toISOString(),
      ...over,
    });

    it('authenticates by HMAC of the raw body: good 200, wrong or missing 401', async () => {
      const body = flat();
      await postFlat(body).expect(200, { status: 'ok', events: 1 });
      const bad = await postFlat(flat(), flatSignature('{}', SECRET));
      expect(bad.status).toBe(401);
      expect(bad.body.reason).toBe('bad_signature');
      const otherSecret = await postFlat(flat(), flatSignature(JSON.stringify(flat()), 'another-secret-0123456789'));
      expect(otherSecret.status).toBe(401);
      const missing = await postFlat(flat(), null);
      expect(missing.status).toBe(401);
      expect(missing.body.reason).toBe('missing_signature');
      // The unauthenticated answer comes before validation.
      expect((await postFlat({ nonsense: true }, 'sha256=00')).status).toBe(401);
    });

    it.each([
      ['bounce', { bounce_type: 'hard' }, 'bounce', 'hard', 'email.bounced'],
      ['bounce', { bounce_type: 'soft' }, 'bounce', 'soft', 'email.bounced'],
      ['hard_bounced', {}, 'bounce', 'hard', 'email.bounced'],
      ['soft_bounced', {}, 'bounce', 'soft', 'email.bounced'],
      ['complaint', {}, 'complaint', null, 'email.complained'],
      ['suppression', {}, 'suppression', null, 'subscriber.suppressed'],
      ['delivery', {}, 'delivery', null, 'email.delivered'],
      ['open', {}, 'open', null, 'email.opened'],
      ['click', {}, 'click', null, 'email.clicked'],
    ])('event_type %s %j', async (eventType, extra, type, bounceKind, engineEvent) => {
      const email = `flat-${eventType}-${randomUUID().slice(0, 8)}@example.com`;
      await postFlat(flat({ event_type: eventType, email, ...extra })).expect(200, { status: 'ok', events: 1 });
      expect(await eventRows(email)).toEqual([expect.objectContaining({ type, bounce_kind: bounceKind, source: 'flat' })]);
      expect(published[0]).toMatchObject({ tenantId: tenant.id, type: engineEvent, data: { email } });
    });

    it.each([
      ['a missing field', { email: undefined }, 'email'],
      ['an unknown event_type', { event_type: 'bounced' }, 'event_type'],
      ['a bad bounce_type', { event_type: 'bounce', bounce_type: 'medium' }, 'bounce_type'],
      ['a bad email', { email: 'not-an-email' }, 'email'],
      ['a tenant id that is not a uuid', { tenant_id: 'acme' }, 'tenant_id'],
      ['a bad occurred_at', { occurred_at: 'yesterday' }, 'occurred_at'],
    ])('422 for %s', async (_why, over, field) => {
      const res = await postFlat(flat(over));
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('validation_failed');
      expect(Object.keys(res.body.errors)).toContain(field);
    });

    it('422 for a body that is not an object', async () => {
      expect((await postFlat([flat()])).status).toBe(422);
    });

    it('403 for a tenant that does not exist', async () => {
      const res = await postFlat(flat({ tenant_id: randomUUID() }));
      expect(res.status).toBe(403);
      expect(res.body.reason).toBe('unknown_tenant');
    });

    it('413 above 256 KB', async () => {
      const body = flat({ message_id: 'x'.repeat(300 * 1024) });
      expect((await postFlat(body)).status).toBe(413);
    });
  });

  it('documents the route: SesEvent body, sesSignature security, problem+json errors', async () => {
    const doc = (await request(t.url).get('/docs-json').expect(200)).body;
    const op = doc.paths['/webhooks/ses'].post;
    expect(op.security).toEqual([{ sesSignature: [] }]);
    expect(op.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SesEvent' });
    expect(doc.components.schemas.SesEvent.required).toEqual(expect.arrayContaining(['event_type', 'message_id', 'tenant_id', 'email', 'occurred_at']));
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
    expect(op.responses['401'].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
    expect(op.responses['401'].content['application/problem+json'].example).toMatchObject({ status: 401, error: 'unauthorized' });
    expect(doc.paths['/api/ses-events'].get.security).toEqual([{ bearerAuth: [] }]);
  });

  it('counts stored events by type in ses_events_total', async () => {
    const metric = async () => {
      const text = (await request(t.url).get('/metrics').set('Authorization', `Bearer ${adminToken()}`).expect(200)).text;
      return Number(/^ses_events_total\{type="click"\} (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const before = await metric();
    await postSns({ Message: sesEvent('Click', { click: { link: 'https://x.example/' } }, { destination: ['m1@example.com', 'm2@example.com'] }) }).expect(200);
    expect(await metric()).toBe(before + 2);
  });

  describe('operator view', () => {
    it('lists the tenant\'s events newest first, filtered by type and email, with a cursor; other tenants see none', async () => {
      const email = 'listed@example.com';
      for (const eventType of ['delivery', 'open', 'click']) await postFlat({ event_type: eventType, message_id: `ses-${randomUUID()}`, tenant_id: tenant.id, email, occurred_at: new Date().toISOString() }).expect(200);
      const auth = `Bearer ${tenant.viewer}`;
      const first = await request(t.url).get('/api/ses-events').query({ email: 'LISTED@example.com', limit: 2 }).set('Authorization', auth).expect(200);
      expect(first.body.data.map((e: { type: string }) => e.type)).toEqual(['click', 'open']);
      expect(first.body.data[0]).toMatchObject({ email, source: 'flat', outcome: 'recorded', message_matched: false });
      const second = await request(t.url).get('/api/ses-events').query({ email, limit: 2, cursor: first.body.next_cursor }).set('Authorization', auth).expect(200);
      expect(second.body).toEqual({ data: [expect.objectContaining({ type: 'delivery' })], next_cursor: null });
      const opens = await request(t.url).get('/api/ses-events').query({ email, type: 'open' }).set('Authorization', auth).expect(200);
      expect(opens.body.data).toHaveLength(1);
      await request(t.url).get('/api/ses-events').query({ type: 'nope' }).set('Authorization', auth).expect(422);

      const other = await createTenant(t);
      const foreign = await request(t.url).get('/api/ses-events').set('Authorization', `Bearer ${other.viewer}`).expect(200);
      expect(foreign.body.data).toEqual([]);
      await request(t.url).get('/api/ses-events').expect(401);
    });

    it('reports bounce and complaint rates over recorded sends next to SES\'s thresholds', async () => {
      const fresh = await createTenant(t);
      const recipients = ['r1@example.com', 'r2@example.com', 'r3@example.com', 'r4@example.com'];
      await postSns({ Message: sesEvent('Send', { send: {} }, { tenantId: fresh.id, destination: recipients }) }).expect(200, { status: 'ok', events: 4 });
      await postSns({ Message: hardBounce('r1@example.com', fresh.id) }).expect(200);
      const res = await request(t.url).get('/api/deliverability').set('Authorization', `Bearer ${fresh.viewer}`).expect(200);
      expect(res.body.tenant_id).toBe(fresh.id);
      expect(res.body.thresholds).toEqual({ bounce_rate: 0.05, complaint_rate: 0.001 });
      expect(res.body.windows.map((w: { window: string }) => w.window)).toEqual(['24h', '7d']);
      expect(res.body.windows[0]).toMatchObject({ sends: 4, hard_bounces: 1, complaints: 0, bounce_rate: 0.25, bounce_status: 'review', complaint_rate: 0, complaint_status: 'ok' });
    });
  });
});
