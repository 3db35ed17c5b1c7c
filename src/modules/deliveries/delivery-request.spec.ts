import { REDACTED, redactCustomHeaders } from '../webhooks/custom-headers';
import { deliveryHeaders } from './delivery-request';

describe('the attempt log\'s request headers', () => {
  it('keeps every name sent and the engine\'s own values, signatures included; custom header values are redacted', () => {
    const custom = { Authorization: 'Bearer s3cret', 'X-Api-Key': 'k', 'X-Session-Token': 't', 'X-Team': 'blue' };
    const sent = deliveryHeaders('msg_1', 1700000000, { webhookSignature: 'v1,abc', xWebhookSignature: 't=1700000000,v1=def' }, custom);
    const recorded = redactCustomHeaders(sent, custom);
    expect(recorded).toMatchObject({
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': 'v1,abc',
      'x-webhook-signature': 't=1700000000,v1=def',
      'content-type': 'application/json',
      'X-Team': REDACTED,
      Authorization: REDACTED,
      'X-Api-Key': REDACTED,
      'X-Session-Token': REDACTED,
    });
    expect(Object.keys(recorded).sort()).toEqual(Object.keys(sent).sort());
    expect(JSON.stringify(recorded)).not.toContain('s3cret');
  });
});
