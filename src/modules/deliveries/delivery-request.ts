import { version } from '../../../package.json';
import { DeliverySignatures } from './signing';

export const USER_AGENT = `SendEngine-Webhooks/${version} (+https://github.com/send-engine)`;

/** Headers of every webhook request: Standard Webhooks, the relay API's X-Webhook-Signature, and the engine's identity. */
export function deliveryHeaders(messageId: string, timestamp: number, signatures: DeliverySignatures, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...extra,
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.webhookSignature,
    'x-webhook-signature': signatures.xWebhookSignature,
  };
}

/** The headers the engine itself sets on every request (anything else is a tenant's custom header). */
const ENGINE_HEADERS = new Set(['content-type', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-webhook-signature']);
export const REDACTED = '[redacted]';

/**
 * The request headers as the attempt log keeps them: every name sent, the engine's own values (signatures
 * included) verbatim, custom header values redacted — they are sealed at rest and may carry credentials.
 */
export function recordedHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, ENGINE_HEADERS.has(k.toLowerCase()) ? v : REDACTED]));
}
