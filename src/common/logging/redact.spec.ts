import { REDACTED, redactFields, redactRequest, redactUrl } from './redact';

describe('log redaction', () => {
  it('replaces credential query parameters in a URL and keeps the rest', () => {
    expect(redactUrl('/v1/echo/stream?key=whk_test_abc&x=1')).toBe(`/v1/echo/stream?key=${REDACTED}&x=1`);
    expect(redactUrl('/admin/queues?token=eyJ.a.b')).toBe(`/admin/queues?token=${REDACTED}`);
    expect(redactUrl('/x?access_token=a&Client_Secret=b&limit=5&key=c&key=d')).toBe(
      `/x?access_token=${REDACTED}&Client_Secret=${REDACTED}&limit=5&key=${REDACTED}&key=${REDACTED}`,
    );
    expect(redactUrl('/x?%6Bey=s3cret')).toBe(`/x?%6Bey=${REDACTED}`);
    expect(redactUrl('/x?%E0%A4%A=1')).toBe('/x?%E0%A4%A=1');
    expect(redactUrl('/api/send-jobs')).toBe('/api/send-jobs');
  });

  it('replaces parsed query values and secret-like headers', () => {
    expect(redactFields({ key: ['a', 'b'], limit: '5' }, 'query')).toEqual({ key: REDACTED, limit: '5' });
    expect(redactFields({ authorization: 'Bearer x', 'x-api-key': 'k', 'x-acme-secret': 's', 'content-type': 'a/b' }, 'header')).toEqual({
      authorization: REDACTED,
      'x-api-key': REDACTED,
      'x-acme-secret': REDACTED,
      'content-type': 'a/b',
    });
  });

  it('never mutates the request it serializes', () => {
    const headers = { cookie: 'se_board=jwt' };
    const out = redactRequest({ url: '/a?token=t', query: { token: 't' }, headers });
    expect(out).toEqual({ url: `/a?token=${REDACTED}`, query: { token: REDACTED }, headers: { cookie: REDACTED } });
    expect(headers.cookie).toBe('se_board=jwt');
  });
});
