import { WebhookEvent } from './entities/webhook-event.entity';

/** What a delivery carries of its event: the envelope (or the CloudEvent) is built from these. */
export type DeliveryEvent = Pick<WebhookEvent, 'id' | 'tenantId' | 'type' | 'payload' | 'attributes' | 'createdAt'>;

/** The event's columns as `deliveryEventSql` selects them. */
export interface DeliveryEventRow {
  e_id: string | null;
  e_tenant_id: string;
  e_type: string;
  e_payload: Record<string, unknown>;
  e_attributes: Record<string, unknown> | null;
  e_created_at: Date;
}

/**
 * The event's columns (aliased `e_*`) and the LEFT JOIN from a delivery row aliased `delivery`: lent by the owner
 * of `webhook_events` to the deliveries module's load statement.
 */
export function deliveryEventSql(delivery: string): { columns: string; join: string } {
  return {
    columns: `e.id AS e_id, e.tenant_id AS e_tenant_id, e.type AS e_type, e.payload AS e_payload, e.attributes AS e_attributes,
       e.created_at AS e_created_at`,
    join: `LEFT JOIN webhook_events e ON e.id = ${delivery}.event_id`,
  };
}

/** The event of a joined row; null for a one-off delivery (no event). */
export function toDeliveryEvent(r: DeliveryEventRow): DeliveryEvent | null {
  return r.e_id
    ? { id: r.e_id, tenantId: r.e_tenant_id, type: r.e_type, payload: r.e_payload, attributes: r.e_attributes, createdAt: r.e_created_at }
    : null;
}
