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
