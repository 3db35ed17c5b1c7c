/** A valid `event_filter`: `*`, or dot-separated segments each `[a-z0-9_-]+` or `*`. */
export const EVENT_FILTER_PATTERN = /^(\*|[a-z0-9_-]+)(\.(\*|[a-z0-9_-]+))*$/;
export const EVENT_TYPE_PATTERN = /^[a-z0-9._-]{1,128}$/;

/**
 * Whether `type` matches `filter`: a lone `*` matches every type; otherwise the segment counts must agree and
 * each `*` segment matches exactly one segment (`order.*` matches `order.created`, not `order.item.created`).
 */
export function matchesEventFilter(filter: string, type: string): boolean {
  if (filter === '*') return true;
  const f = filter.split('.');
  const t = type.split('.');
  return f.length === t.length && f.every((seg, i) => seg === '*' || seg === t[i]);
}
