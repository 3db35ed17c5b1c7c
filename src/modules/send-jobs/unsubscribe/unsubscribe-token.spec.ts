import { signUnsubscribeToken, unsubscribeKey, verifyUnsubscribeToken } from './unsubscribe-token';

const key = unsubscribeKey(Buffer.alloc(32, 7));
const claims = {
  tenantId: '0190f3a4-0000-7000-8000-000000000001',
  listId: '0190f3a4-0000-7000-8000-000000000002',
  subscriberId: '0190f3a4-0000-7000-8000-000000000003',
  sendJobId: '0190f3a4-0000-7000-8000-000000000004',
};

describe('unsubscribe token', () => {
  it('round-trips its claims and is URL-safe', () => {
    const token = signUnsubscribeToken(key, claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(verifyUnsubscribeToken(key, token)).toEqual(claims);
  });

  it('rejects any flipped character, a truncated token and another key', () => {
    const token = signUnsubscribeToken(key, claims);
    for (let i = 0; i < token.length; i += 7) {
      const flipped = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      expect(verifyUnsubscribeToken(key, flipped)).toBeNull();
    }
    expect(verifyUnsubscribeToken(key, token.slice(0, -2))).toBeNull();
    expect(verifyUnsubscribeToken(unsubscribeKey(Buffer.alloc(32, 8)), token)).toBeNull();
    expect(verifyUnsubscribeToken(key, 'not a token!')).toBeNull();
  });
});
