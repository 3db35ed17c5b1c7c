import { parseBasicAuth } from './oauth.service';
import { roleForScopes } from './credentials.service';

describe('parseBasicAuth', () => {
  it('decodes id and secret, form-decoding both', () => {
    const header = `Basic ${Buffer.from('my%20id:s%3Acret').toString('base64')}`;
    expect(parseBasicAuth(header)).toEqual({ id: 'my id', secret: 's:cret' });
  });
  it.each([undefined, 'Bearer x', 'Basic !!!', `Basic ${Buffer.from('nocolon').toString('base64')}`])('rejects %s', (h) => {
    expect(parseBasicAuth(h)).toBeNull();
  });
});

describe('roleForScopes', () => {
  it('makes editors of write scopes only', () => {
    expect(roleForScopes(['webhooks:read'])).toBe('viewer');
    expect(roleForScopes(['webhooks:read', 'webhooks:write'])).toBe('editor');
  });
});
