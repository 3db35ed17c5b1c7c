/**
 * The CloudEvents 1.0 view of any stored event: what CloudEvents subscriptions (`format = 'cloudevents'`) are
 * matched against and receive (HTTP binding, structured mode).
 */

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

/** `source` of the engine's own events and of events posted to `/v1/events`: the engine and the tenant. */
export function engineSource(tenantId: string): string {
  return `/send-engine/tenants/${tenantId}`;
}

export interface StoredEvent {
  id: string;
  tenantId: string;
  type: string;
  payload: unknown;
  createdAt: Date;
  /** The CloudEvent's attributes (everything but `data`) when it arrived as one; null otherwise. */
  attributes: Record<string, unknown> | null;
}

/**
 * An ingested CloudEvent comes back as received (its attributes, plus `data` when it had any); any other event
 * becomes one with the engine as `source`, its type and its payload as `data`.
 */
export function cloudEventOf(e: StoredEvent): Record<string, unknown> {
  if (e.attributes) return e.payload === null || e.payload === undefined ? { ...e.attributes } : { ...e.attributes, data: e.payload };
  return {
    specversion: '1.0',
    id: e.id,
    source: engineSource(e.tenantId),
    type: e.type,
    time: e.createdAt.toISOString(),
    datacontenttype: 'application/json',
    data: e.payload,
  };
}
