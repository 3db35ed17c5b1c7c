import { checkSignature, nonceTtlSeconds, requiredHeaders, signMemberCenterRequest } from './member-center-signature';

const secret = 'mcs_test_secret';
const body = Buffer.from('{"a":1}');
const now = 1_700_000_000;

function headers(over: Partial<Record<'timestamp' | 'nonce' | 'signature', string>> = {}) {
  const timestamp = over.timestamp ?? String(now);
  const nonce = over.nonce ?? 'n-1';
  return { clientId: 'mc', timestamp, nonce, signature: over.signature ?? signMemberCenterRequest(secret, timestamp, nonce, body) };
}

describe('member center signature', () => {
  it('accepts a good signature, with or without the sha256= prefix', () => {
    expect(checkSignature(headers(), body, [secret], now, 300)).toBeNull();
    const bare = headers().signature.slice(7);
    expect(checkSignature(headers({ signature: bare }), body, [secret], now, 300)).toBeNull();
  });

  it('accepts any of the valid secrets (rotation overlap)', () => {
    expect(checkSignature(headers(), body, ['other', secret], now, 300)).toBeNull();
  });

  it('signs the exact bytes: the same string as documented', () => {
    expect(signMemberCenterRequest('k', '1', 'n', '{}')).toBe(signMemberCenterRequest('k', 1, 'n', Buffer.from('{}')));
  });

  it.each([
    ['wrong secret', headers(), ['nope'], 'bad_signature'],
    ['garbage signature of another length', headers({ signature: 'sha256=abc' }), [secret], 'bad_signature'],
    ['timestamp too old', headers({ timestamp: String(now - 301) }), [secret], 'stale_timestamp'],
    ['timestamp too new', headers({ timestamp: String(now + 301) }), [secret], 'stale_timestamp'],
    ['milliseconds', headers({ timestamp: String(now * 1000) }), [secret], 'bad_timestamp'],
    ['non-numeric', headers({ timestamp: 'yesterday' }), [secret], 'bad_timestamp'],
    ['nonce with a space', headers({ nonce: 'a b' }), [secret], 'bad_nonce'],
    ['nonce too long', headers({ nonce: 'x'.repeat(129) }), [secret], 'bad_nonce'],
  ])('rejects %s', (_name, h, secrets, reason) => {
    expect(checkSignature(h, body, secrets, now, 300)).toBe(reason);
  });

  it('accepts the edges of the window', () => {
    const edge = headers({ timestamp: String(now - 300) });
    expect(checkSignature(edge, body, [secret], now, 300)).toBeNull();
  });

  it('rejects a body changed by one byte', () => {
    expect(checkSignature(headers(), Buffer.from('{"a":2}'), [secret], now, 300)).toBe('bad_signature');
  });

  it('needs every header', () => {
    expect(requiredHeaders({ clientId: 'a', timestamp: '1', nonce: 'n' })).toBeNull();
    expect(requiredHeaders({ clientId: 'a', timestamp: '1', nonce: 'n', signature: 's' })).not.toBeNull();
  });
});

describe('nonceTtlSeconds', () => {
  it('outlives the last moment a request stamped at the far edge of the window is still accepted', () => {
    const tolerance = 300;
    const seen = 1_000_000;
    const stamped = seen + tolerance; // accepted at `seen`, and again until `stamped + tolerance`
    const lastAcceptable = stamped + tolerance;
    expect(seen + nonceTtlSeconds(tolerance)).toBeGreaterThan(lastAcceptable);
    const h = { clientId: 'c', timestamp: String(stamped), nonce: 'n', signature: signMemberCenterRequest('s', String(stamped), 'n', '{}') };
    expect(checkSignature(h, Buffer.from('{}'), ['s'], lastAcceptable, tolerance)).toBeNull();
  });
});
