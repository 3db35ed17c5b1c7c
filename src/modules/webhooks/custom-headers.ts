/**
 * Custom request headers a subscription adds to each of its deliveries. Their values may carry credentials, so
 * they are sealed at rest (SubscriptionSecrets), never logged, and redacted in the attempt log.
 */

export interface CustomHeader {
  name: string;
  value: string;
}

/** At most this many custom headers per subscription, each value at most this long. */
export const MAX_CUSTOM_HEADERS = 20;
export const MAX_HEADER_VALUE_LENGTH = 4096;

/**
 * Headers a subscription may not set: what the HTTP layer owns (Content-Type, Content-Length, Connection, Host,
 * Cache-Control), hop-by-hop headers, and the engine's own identity and signature headers.
 */
const RESTRICTED = new Set([
  'content-type',
  'content-length',
  'connection',
  'host',
  'cache-control',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'x-webhook-signature',
]);

/** RFC 9110 token characters. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Visible ASCII, space and tab (no CR, LF or NUL: no header injection). */
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;

/** Why this header may not be used, or null. */
export function customHeaderProblem(name: string, value: string): string | null {
  if (!TOKEN.test(name) || name.length > 256) return `'${name}' is not a valid header name`;
  if (RESTRICTED.has(name.toLowerCase())) return `'${name}' is restricted and cannot be set`;
  if (!FIELD_VALUE.test(value)) return `the value of '${name}' has characters a header cannot carry`;
  if (value.length > MAX_HEADER_VALUE_LENGTH) return `the value of '${name}' exceeds ${MAX_HEADER_VALUE_LENGTH} characters`;
  return null;
}

/** name → plain value of the `headers` column (name → sealed value), opened with `open`. */
export function openCustomHeaders(sealed: Record<string, string> | null | undefined, open: (sealed: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(sealed ?? {}).map(([name, value]) => [name, open(value)]));
}

export const REDACTED = '[redacted]';

/** The request headers as the attempt log keeps them: custom header values replaced by `[redacted]`. */
export function redactCustomHeaders(sent: Record<string, string>, custom: Record<string, string>): Record<string, string> {
  const names = new Set(Object.keys(custom).map((n) => n.toLowerCase()));
  return Object.fromEntries(Object.entries(sent).map(([k, v]) => [k, names.has(k.toLowerCase()) ? REDACTED : v]));
}
