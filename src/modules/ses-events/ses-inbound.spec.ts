import { createHmac } from 'node:crypto';
import { hasValidFlatSignature } from './ses-inbound';

describe('hasValidFlatSignature', () => {
  const secret = 'flat-secret-0123456789';
  const body = Buffer.from('{"event_type":"open"}');
  const good = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

  it('accepts the HMAC of the raw body in either hex case', () => {
    expect(hasValidFlatSignature(good, body, secret)).toBe(true);
    expect(hasValidFlatSignature(good.toUpperCase().replace('SHA256', 'sha256'), body, secret)).toBe(true);
  });

  it('refuses a missing, bare, truncated or wrong signature, or another body', () => {
    expect(hasValidFlatSignature(undefined, body, secret)).toBe(false);
    expect(hasValidFlatSignature(good.slice(7), body, secret)).toBe(false);
    expect(hasValidFlatSignature(good.slice(0, -2), body, secret)).toBe(false);
    expect(hasValidFlatSignature(good, Buffer.from('{"event_type":"click"}'), secret)).toBe(false);
    expect(hasValidFlatSignature(good, body, 'another-secret-0123456')).toBe(false);
  });
});
