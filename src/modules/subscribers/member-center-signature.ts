import { hmacSha256, safeEqual } from '../../common/crypto/secrets';

/** The four headers of a Member Center request, as received (any may be missing). */
export interface SignatureHeaders {
  clientId?: string;
  timestamp?: string;
  nonce?: string;
  signature?: string;
}

/** The 401 reasons a signature check can give. */
export type SignatureFailure = 'missing_header' | 'bad_timestamp' | 'stale_timestamp' | 'bad_nonce' | 'bad_signature';

const UNIX_SECONDS = /^\d{1,10}$/;
/** 1–128 printable ASCII characters (no spaces: they would be ambiguous in logs and headers). */
const NONCE = /^[\x21-\x7e]{1,128}$/;
const SIGNATURE = /^(?:sha256=)?([0-9a-f]{64})$/;

/** `sha256=<hex>` of `${timestamp}.${nonce}.${rawBody}` keyed by the secret's UTF-8 bytes. */
export function signMemberCenterRequest(secret: string, timestamp: string | number, nonce: string, rawBody: Buffer | string): string {
  const body = Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody, 'utf8');
  const signed = Buffer.concat([Buffer.from(`${timestamp}.${nonce}.`, 'utf8'), body]);
  return `sha256=${hmacSha256(secret, signed).toString('hex')}`;
}

/** Every header present; null when one is missing or empty. */
export function requiredHeaders(h: SignatureHeaders): Required<SignatureHeaders> | null {
  if (!h.clientId || !h.timestamp || !h.nonce || !h.signature) return null;
  return { clientId: h.clientId, timestamp: h.timestamp, nonce: h.nonce, signature: h.signature };
}

/**
 * Checks timestamp, nonce format and signature against every currently valid secret. Returns the failure or
 * null. Unix seconds only: a millisecond timestamp is 13 digits and fails as `bad_timestamp`.
 */
export function checkSignature(
  h: Required<SignatureHeaders>,
  rawBody: Buffer,
  secrets: string[],
  nowSeconds: number,
  toleranceSeconds: number,
): SignatureFailure | null {
  if (!UNIX_SECONDS.test(h.timestamp)) return 'bad_timestamp';
  if (Math.abs(nowSeconds - Number(h.timestamp)) > toleranceSeconds) return 'stale_timestamp';
  if (!NONCE.test(h.nonce)) return 'bad_nonce';
  const given = SIGNATURE.exec(h.signature.trim().toLowerCase())?.[1] ?? h.signature;
  // every secret is tried (no early exit) so timing does not tell which one matched
  let ok = false;
  for (const secret of secrets) {
    const expected = signMemberCenterRequest(secret, h.timestamp, h.nonce, rawBody).slice('sha256='.length);
    ok = safeEqual(expected, given) || ok;
  }
  return ok ? null : 'bad_signature';
}

/** Slack on top of the window, for clock skew between api processes and Redis expiry granularity. */
const NONCE_MARGIN_SECONDS = 60;

/**
 * How long a nonce is remembered: as long as its request can still pass the timestamp check. A request stamped
 * `tolerance` seconds ahead stays acceptable until `2 × tolerance` after it was first seen, so the nonce must
 * outlive that (a TTL of just the window let a replay through at +600.5 s).
 */
export function nonceTtlSeconds(toleranceSeconds: number): number {
  return 2 * toleranceSeconds + NONCE_MARGIN_SECONDS;
}
