import { customHeaderProblem, redactCustomHeaders } from './custom-headers';

describe('custom headers', () => {
  it('refuses restricted, hop-by-hop and signature headers in any case, and invalid names or values', () => {
    for (const name of ['Content-Type', 'CONTENT-LENGTH', 'connection', 'Host', 'cache-control', 'Transfer-Encoding', 'Upgrade', 'TE', 'Webhook-Signature', 'webhook-id', 'X-Webhook-Signature', 'User-Agent']) {
      expect(customHeaderProblem(name, 'x')).toContain('restricted');
    }
    expect(customHeaderProblem('Bad Name', 'x')).toContain('not a valid header name');
    expect(customHeaderProblem('X-A', 'a\r\nInjected: 1')).toContain('characters');
    expect(customHeaderProblem('X-A', 'x'.repeat(4097))).toContain('exceeds');
    expect(customHeaderProblem('Authorization', 'Basic dXNlcjpwYXNz')).toBeNull();
  });

  it('redacts the custom header values of a request, whatever their case', () => {
    expect(redactCustomHeaders({ authorization: 'Basic x', 'webhook-id': 'm1' }, { Authorization: 'Basic x' })).toEqual({ authorization: '[redacted]', 'webhook-id': 'm1' });
  });
});
