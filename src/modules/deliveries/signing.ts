import { hmacSha256, webhookSecretKey } from '../../common/crypto/secrets';

export interface DeliverySignatures {
  /** Standard Webhooks `webhook-signature`: `v1,<base64>` per secret, space-separated. */
  webhookSignature: string;
  /** The relay API's `X-Webhook-Signature`: `t=<unix>,v1=<hex>` (newest secret first when several are valid). */
  xWebhookSignature: string;
}

/**
 * Signs one request body with every currently valid secret (newest first). Both schemes use the same key (the
 * bytes of the base64 part of `whsec_…`) and the same timestamp: Standard Webhooks signs `id.timestamp.body`, the
 * relay header signs `timestamp.body`.
 */
export function signDelivery(secrets: string[], messageId: string, timestamp: number, body: string): DeliverySignatures {
  const keys = secrets.map(webhookSecretKey);
  const webhookSignature = keys.map((k) => `v1,${hmacSha256(k, `${messageId}.${timestamp}.${body}`).toString('base64')}`).join(' ');
  const xWebhookSignature = [`t=${timestamp}`, ...keys.map((k) => `v1=${hmacSha256(k, `${timestamp}.${body}`).toString('hex')}`)].join(',');
  return { webhookSignature, xWebhookSignature };
}

/**
 * `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>` of a one-off delivery (a job's completion callback), keyed
 * like the other schemes by the bytes of the base64 part of `whsec_…`.
 */
export function bodySignature(secret: string, body: string): string {
  return `sha256=${hmacSha256(webhookSecretKey(secret), body).toString('hex')}`;
}

/** The JSON a subscription receives: the standard envelope `{id, type, created_at, data}`. */
export function eventEnvelope(event: { id: string; type: string; createdAt: Date; payload: Record<string, unknown> }): string {
  return JSON.stringify({ id: event.id, type: event.type, created_at: event.createdAt.toISOString(), data: event.payload });
}
