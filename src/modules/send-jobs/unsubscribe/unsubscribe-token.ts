import { hkdfSync } from 'node:crypto';
import { hmacSha256, safeEqual } from '../../../common/crypto/secrets';

/** Who an unsubscribe token names: the member of one list of one tenant, reached by one send job. */
export interface UnsubscribeClaims {
  tenantId: string;
  listId: string;
  subscriberId: string;
  sendJobId: string;
}

const VERSION = 1;
const MAC_BYTES = 16; // 128-bit truncated HMAC-SHA256: unforgeable, and keeps the URL short

/** The token key: derived from APP_ENCRYPTION_KEY so a leaked token key never exposes the secrets-at-rest key. */
export function unsubscribeKey(encryptionKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'send-engine/unsubscribe-token/v1', 32));
}

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidString = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** `base64url(version ‖ tenant ‖ list ‖ subscriber ‖ job ‖ mac)`: 81 bytes, 108 characters, no state to store. */
export function signUnsubscribeToken(key: Buffer, c: UnsubscribeClaims): string {
  const body = Buffer.concat([Buffer.from([VERSION]), ...[c.tenantId, c.listId, c.subscriberId, c.sendJobId].map(uuidBytes)]);
  return Buffer.concat([body, hmacSha256(key, body).subarray(0, MAC_BYTES)]).toString('base64url');
}

/** The claims of a token signed with `key`, or null when it is malformed or tampered with. */
export function verifyUnsubscribeToken(key: Buffer, token: string): UnsubscribeClaims | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 1 + 64 + MAC_BYTES || raw[0] !== VERSION) return null;
  const body = raw.subarray(0, 65);
  if (!safeEqual(raw.subarray(65), hmacSha256(key, body).subarray(0, MAC_BYTES))) return null;
  const part = (i: number) => uuidString(body.subarray(1 + i * 16, 17 + i * 16));
  return { tenantId: part(0), listId: part(1), subscriberId: part(2), sendJobId: part(3) };
}
