/** A valid `event_filter`: `*`, or dot-separated segments each `[a-z0-9_-]+` or `*`. */
export const EVENT_FILTER_PATTERN = /^(\*|[a-z0-9_-]+)(\.(\*|[a-z0-9_-]+))*$/;
export const EVENT_TYPE_PATTERN = /^[a-z0-9._-]{1,128}$/;

/**
 * Whether `type` matches `filter`: a lone `*` matches every type; otherwise the segment counts must agree and
 * each `*` segment matches exactly one segment (`order.*` matches `order.created`, not `order.item.created`).
 * Case-insensitive, like every type comparison of the engine.
 */
export function matchesEventFilter(filter: string, type: string): boolean {
  if (filter === '*') return true;
  const f = filter.toLowerCase().split('.');
  const t = type.toLowerCase().split('.');
  return f.length === t.length && f.every((seg, i) => seg === '*' || seg === t[i]);
}

/**
 * Hierarchical match (the flexEngage dialect): `pattern` matches its own type and every type under it, by whole
 * dot parts (`ORDER_EVENTS.OMS` matches `order_events.oms.order_shipped`, not `order_events.omsx`).
 */
export function matchesTypePrefix(pattern: string, type: string): boolean {
  const p = pattern.toLowerCase().split('.');
  const t = type.toLowerCase().split('.');
  return p.length <= t.length && p.every((seg, i) => seg === t[i]);
}

/** A subscription's matching rules: `filter_spec` (a dialect's own shape) replaces `event_filter` when set. */
export interface SubscriptionFilter {
  eventFilter: string;
  filterSpec: Record<string, unknown> | null;
}

/** flexEngage: `{"types": ["ORDER_EVENTS.OMS", …]}`, each a type or a prefix of types. */
function isTypesSpec(spec: Record<string, unknown>): spec is { types: string[] } {
  return Array.isArray(spec.types) && spec.types.every((t) => typeof t === 'string');
}

/**
 * The one place that decides whether an event goes to a subscription (the fan-out asks it per subscription).
 * Each dialect's `filter_spec` shape gets one branch here; a shape this engine does not know matches nothing.
 */
export function subscriptionMatches(sub: SubscriptionFilter, event: { type: string }): boolean {
  const spec = sub.filterSpec;
  if (!spec) return matchesEventFilter(sub.eventFilter, event.type);
  if (isTypesSpec(spec)) return spec.types.some((p) => matchesTypePrefix(p, event.type));
  return false;
}
