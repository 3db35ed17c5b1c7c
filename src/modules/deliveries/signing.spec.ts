import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret } from '../../common/crypto/secrets';
import { bodySignature, signDelivery } from './signing';

describe('signDelivery', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'order.created', data: { a: 1 } });
  const ts = Math.floor(Date.now() / 1000);

  it('produces Standard Webhooks signatures the reference library accepts, for each secret', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    const sig = signDelivery([a, b], 'msg_1', ts, body);
    expect(sig.webhookSignature.split(' ')).toHaveLength(2);
    for (const secret of [a, b]) {
      const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': sig.webhookSignature };
      expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    }
    expect(() => new Webhook(newWebhookSecret()).verify(body, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': sig.webhookSignature })).toThrow();
  });

  it('produces t=,v1= with the same key and timestamp', () => {
    const secret = newWebhookSecret();
    const sig = signDelivery([secret], 'msg_1', ts, body);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    expect(sig.xWebhookSignature).toBe(`t=${ts},v1=${createHmac('sha256', key).update(`${ts}.${body}`).digest('hex')}`);
  });
});

describe('bodySignature', () => {
  it('is sha256=<hex HMAC-SHA256 of the raw body> keyed by the decoded base64 part of whsec_', () => {
    const secret = newWebhookSecret();
    const body = '{"jobId":"job_1","status":"succeeded"}';
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    expect(bodySignature(secret, body)).toBe(`sha256=${createHmac('sha256', key).update(body).digest('hex')}`);
    expect(bodySignature(secret, `${body} `)).not.toBe(bodySignature(secret, body));
  });
});
