import { version } from '../../../package.json';
import { CLOUDEVENTS_CONTENT_TYPE, cloudEventOf, StoredEvent } from '../webhooks/cloud-events';
import { DeliverySignatures, eventEnvelope } from './signing';

export const USER_AGENT = `SendEngine-Webhooks/${version} (+https://github.com/send-engine)`;

/** Headers of every webhook request: Standard Webhooks, the relay API's X-Webhook-Signature, and the engine's identity. */
export function deliveryHeaders(
  messageId: string,
  timestamp: number,
  signatures: DeliverySignatures,
  extra: Record<string, string> = {},
  contentType = 'application/json',
): Record<string, string> {
  return {
    ...extra,
    'content-type': contentType,
    'user-agent': USER_AGENT,
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.webhookSignature,
    'x-webhook-signature': signatures.xWebhookSignature,
  };
}

/**
 * What a subscription of `format` receives for `event`: the relay envelope (`standard`), or the structured-mode
 * CloudEvent (`cloudevents`).
 */
export function eventRequestBody(format: string, event: StoredEvent): { body: string; contentType: string } {
  if (format === 'cloudevents') return { body: JSON.stringify(cloudEventOf(event)), contentType: CLOUDEVENTS_CONTENT_TYPE };
  return { body: eventEnvelope(event as StoredEvent & { payload: Record<string, unknown> }), contentType: 'application/json' };
}
