/** The flexEngage event types (its `Events` enum), in that API's upper-case dotted form. */
export const FLEXENGAGE_EVENT_TYPES = [
  'NOTIFICATION.SMS.RECEIPT',
  'ORDER_EVENTS.OMS.ORDER_CONFIRMED',
  'ORDER_EVENTS.OMS.ORDER_SHIPPED',
  'ORDER_EVENTS.OMS.ORDER_CANCELLED',
  'ORDER_EVENTS.OMS.ORDER_FTC_DELAYED',
  'ORDER_EVENTS.OMS.ORDER_RETURN_RECEIVED',
  'ORDER_EVENTS.OMS.ORDER_RETURN_REQUESTED',
  'ORDER_EVENTS.OMS.ORDER_BACK_ORDERED',
  'ORDER_EVENTS.OMS.ORDER_COMPLETED',
  'ORDER_EVENTS.OMS.ORDER_CREDIT_ISSUED',
  'ORDER_EVENTS.OMS.ORDER_PICKUP_READY',
  'ORDER_EVENTS.OMS.ORDER_PICKUP_COMPLETED',
  'ORDER_EVENTS.OMS.ORDER_PICKUP_REMINDED',
  'ORDER_EVENTS.OMS.ORDER_PICKUP_SHOPPER_ARRIVED',
  'ORDER_EVENTS.OMS.ORDER_PICKUP_SHOPPER_CONFIRMED',
  'ORDER_EVENTS.OMS.ORDER_PICKUP_SHOPPER_IN_TRANSIT',
  'ORDER_EVENTS.OMS.ORDER_PICKUP_DELAYED',
  'ORDER_EVENTS.OMS.ORDER_SHIPMENT_UPDATED',
  'ORDER_EVENTS.OMS.UNKNOWN',
  'ORDER_EVENTS.TRACKING.SHIPMENT_PRE_TRANSIT',
  'ORDER_EVENTS.TRACKING.SHIPMENT_IN_TRANSIT',
  'ORDER_EVENTS.TRACKING.SHIPMENT_OUT_FOR_DELIVERY',
  'ORDER_EVENTS.TRACKING.SHIPMENT_DELIVERED',
  'ORDER_EVENTS.TRACKING.SHIPMENT_AVAILABLE_FOR_PICKUP',
  'ORDER_EVENTS.TRACKING.SHIPMENT_RETURNED_TO_SENDER',
  'ORDER_EVENTS.TRACKING.SHIPMENT_FAILURE',
  'ORDER_EVENTS.TRACKING.UNKNOWN',
  'RECEIPTS',
] as const;

/** Every type and every dot-part prefix of one (`ORDER_EVENTS`, `ORDER_EVENTS.OMS`, …): what a webhook may subscribe to. */
export const FLEXENGAGE_TYPE_PATTERNS: ReadonlySet<string> = new Set(
  FLEXENGAGE_EVENT_TYPES.flatMap((t) => t.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'))),
);

/** The dialect's form of a type: upper case (the engine compares types case-insensitively and stores them as posted). */
export function toDialectType(type: string): string {
  return type.toUpperCase();
}

/** Whether `pattern` (any case) is a flexEngage type or a prefix of one. */
export function isFlexEngageTypePattern(pattern: unknown): boolean {
  return typeof pattern === 'string' && FLEXENGAGE_TYPE_PATTERNS.has(pattern.toUpperCase());
}

/** Upper case, duplicates dropped, first-seen order kept. */
export function normalizeTypes(types: string[]): string[] {
  return [...new Set(types.map(toDialectType))];
}

/** Order-insensitive equality of two type lists (the 409 rule). */
export function sameTypeSet(a: string[], b: string[]): boolean {
  const x = new Set(normalizeTypes(a));
  const y = new Set(normalizeTypes(b));
  return x.size === y.size && [...x].every((t) => y.has(t));
}
