import { randomBytes } from 'node:crypto';
import { newWebhookSecret, safeEqual, SecretBox, webhookSecretKey } from './secrets';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips and never repeats a ciphertext', () => {
    const a = box.seal('s3cret ✓');
    expect(a).not.toContain('s3cret');
    expect(box.seal('s3cret ✓')).not.toBe(a);
    expect(box.open(a)).toBe('s3cret ✓');
  });

  it('rejects a tampered ciphertext and a foreign key', () => {
    const sealed = box.seal('x');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('y').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
  });
});

describe('safeEqual', () => {
  it('compares without throwing on length mismatch', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
  });
});

describe('webhook secrets', () => {
  it('are whsec_ + base64 of 32 bytes and key to those bytes', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(webhookSecretKey(secret)).toHaveLength(32);
  });
});
