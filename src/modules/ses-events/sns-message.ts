import { createVerify } from 'node:crypto';

export const SNS_MESSAGE_TYPES = ['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'] as const;
export type SnsMessageType = (typeof SNS_MESSAGE_TYPES)[number];

/** An Amazon SNS HTTP(S) message as SNS posts it (the body is JSON sent as text/plain). */
export interface SnsMessage {
  Type: SnsMessageType;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
  /** Notification only; SNS sends it absent or null when the publisher gave none. */
  Subject?: string | null;
  /** (Un)SubscriptionConfirmation only. */
  SubscribeURL?: string;
  Token?: string;
  UnsubscribeURL?: string;
}

const COMMON_FIELDS = ['MessageId', 'TopicArn', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL'] as const;
const CONFIRMATION_FIELDS = ['SubscribeURL', 'Token'] as const;

/**
 * The names signed for each message type, in AWS's (alphabetical) order. `Subject` is signed only when the
 * notification carries one: a missing or null Subject is left out of the string, never signed as "null".
 */
const SIGNED_FIELDS: Record<SnsMessageType, readonly (keyof SnsMessage)[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether a request is in the SNS form rather than the flat event: SNS names the type in a header and
 * the body carries `Type` and `Signature`; a flat SesEvent has neither.
 */
export function isSnsShaped(body: unknown, messageTypeHeader: string | undefined): boolean {
  return messageTypeHeader !== undefined || (isObject(body) && 'Type' in body && 'Signature' in body);
}

/** The body as an SnsMessage when every field its type signs is a string; null when it cannot be one. */
export function parseSnsMessage(body: unknown): SnsMessage | null {
  if (!isObject(body) || !SNS_MESSAGE_TYPES.includes(body.Type as SnsMessageType)) return null;
  const type = body.Type as SnsMessageType;
  const required = type === 'Notification' ? COMMON_FIELDS : [...COMMON_FIELDS, ...CONFIRMATION_FIELDS];
  if (!required.every((f) => typeof body[f] === 'string')) return null;
  if (body.Subject !== undefined && body.Subject !== null && typeof body.Subject !== 'string') return null;
  return body as unknown as SnsMessage;
}

/** The string SNS signed: `Name\nvalue\n` for each signed field present, in AWS's order. */
export function canonicalString(message: SnsMessage): string {
  return SIGNED_FIELDS[message.Type]
    .filter((name) => message[name] !== undefined && message[name] !== null)
    .map((name) => `${name}\n${message[name] as string}\n`)
    .join('');
}

/** SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA; anything else is refused. */
export function signatureAlgorithm(version: string): 'RSA-SHA1' | 'RSA-SHA256' | null {
  if (version === '1') return 'RSA-SHA1';
  if (version === '2') return 'RSA-SHA256';
  return null;
}

/** Checks the message's signature with the signing certificate (PEM); false for any malformed input. */
export function hasValidSignature(message: SnsMessage, certificatePem: string): boolean {
  const algorithm = signatureAlgorithm(message.SignatureVersion);
  if (!algorithm) return false;
  try {
    return createVerify(algorithm).update(canonicalString(message), 'utf8').verify(certificatePem, message.Signature, 'base64');
  } catch {
    return false;
  }
}

const SNS_HOST = /^sns\.[a-zA-Z0-9-]{3,}\.amazonaws\.com(\.cn)?$/;
const CERT_PATH = /^\/SimpleNotificationService-[A-Za-z0-9]+\.pem$/;

/**
 * The URL when it names exactly its host: no user info and no port, even the default one (`https://h:443/`
 * would otherwise normalise to `https://h/`). Compared on the raw text because WHATWG parsing forgives `\`.
 */
function strictUrl(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(raw)?.[1];
  if (authority === undefined || authority.toLowerCase() !== url.hostname) return null;
  if (raw.includes('#')) return null;
  return url;
}

/**
 * An allow-listed prefix (SNS_TRUSTED_CERT_URL_PREFIXES, tests only) admits a URL that starts with it. Prefixes
 * must end in `/` so `http://127.0.0.1:80` cannot admit `http://127.0.0.1:8080`; user info is never admitted.
 */
function trustedByPrefix(raw: string, prefixes: readonly string[]): boolean {
  if (prefixes.length === 0) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password || raw.includes('#')) return false;
  return prefixes.some((p) => p.endsWith('/') && url.href.startsWith(p));
}

/** `https://sns.<region>.amazonaws.com[.cn]/SimpleNotificationService-<id>.pem`, nothing more, or allow-listed. */
export function isTrustedCertUrl(raw: string, trustedPrefixes: readonly string[] = []): boolean {
  if (trustedByPrefix(raw, trustedPrefixes)) return true;
  const url = strictUrl(raw);
  return !!url && url.protocol === 'https:' && SNS_HOST.test(url.hostname) && CERT_PATH.test(url.pathname) && !raw.includes('?');
}

/** A SubscribeURL we may GET: https on an SNS host (its query carries the token), or allow-listed. */
export function isTrustedSubscribeUrl(raw: string, trustedPrefixes: readonly string[] = []): boolean {
  if (trustedByPrefix(raw, trustedPrefixes)) return true;
  const url = strictUrl(raw);
  return !!url && url.protocol === 'https:' && SNS_HOST.test(url.hostname);
}
