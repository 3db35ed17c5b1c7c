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
