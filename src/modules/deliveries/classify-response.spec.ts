import { classifyResponse, responseErrorCode } from './classify-response';

const r = (status: number | null, errorCode: string | null = null) => ({ status, errorCode });

describe('classifyResponse', () => {
  it.each([200, 201, 204, 299])('%i is ok', (status) => expect(classifyResponse(r(status))).toEqual({ kind: 'ok' }));

  it.each([301, 302, 307, 308])('%i is a refused redirect', (status) =>
    expect(classifyResponse(r(status))).toEqual({ kind: 'refused', reason: 'redirect_refused', status }));

  it.each([400, 401, 404, 410, 422])('%i is refused as http_<status>', (status) =>
    expect(classifyResponse(r(status))).toEqual({ kind: 'refused', reason: `http_${status}`, status }));

  it.each([408, 429, 500, 502, 503])('%i is retryable', (status) => expect(classifyResponse(r(status))).toEqual({ kind: 'retryable' }));

  it('transport errors: an SSRF refusal or a bad URL is refused, the rest retryable', () => {
    expect(classifyResponse(r(null, 'ssrf_blocked'))).toEqual({ kind: 'refused', reason: 'ssrf_blocked', status: null });
    expect(classifyResponse(r(null, 'invalid_url'))).toEqual({ kind: 'refused', reason: 'invalid_url', status: null });
    expect(classifyResponse(r(null, 'timeout'))).toEqual({ kind: 'retryable' });
    expect(classifyResponse(r(null, 'connection_refused'))).toEqual({ kind: 'retryable' });
  });
});

describe('responseErrorCode', () => {
  it('is the transport error, else redirect_refused for a 3xx, else null', () => {
    expect(responseErrorCode(r(null, 'timeout'))).toBe('timeout');
    expect(responseErrorCode(r(302))).toBe('redirect_refused');
    expect(responseErrorCode(r(404))).toBeNull();
    expect(responseErrorCode(r(500))).toBeNull();
    expect(responseErrorCode(r(200))).toBeNull();
  });
});
