/**
 * Marigold subscription matching: type filters with `*` at the start and/or end of a dot part, and advanced
 * filters on any leaf property of the CloudEvent, with Azure Event Grid's operators and semantics. Pure.
 */

export const ADVANCED_OPERATORS = [
  'equals',
  'notEquals',
  'numberIn',
  'numberNotIn',
  'numberLessThan',
  'numberGreaterThan',
  'numberLessThanOrEquals',
  'numberGreaterThanOrEquals',
  'numberInRange',
  'numberNotInRange',
  'boolEquals',
  'stringIn',
  'stringNotIn',
  'stringContains',
  'stringNotContains',
  'stringBeginsWith',
  'stringNotBeginsWith',
  'stringEndsWith',
  'stringNotEndsWith',
  'isNullOrUndefined',
  'isNotNull',
] as const;
export type AdvancedOperator = (typeof ADVANCED_OPERATORS)[number];

/** Operators that take no value. */
export const VALUELESS_OPERATORS: readonly AdvancedOperator[] = ['isNullOrUndefined', 'isNotNull'];

/** A value of a range operator is a `[min, max]` pair (inclusive); every other value is a scalar. */
export type FilterValue = string | number | boolean | [number | string, number | string];

export interface AdvancedFilter {
  key: string;
  operator: AdvancedOperator;
  /** The filter's values, ORed (empty for the valueless operators). */
  values: FilterValue[];
}

/** What a Marigold subscription stores in `filter_spec`. */
export interface MarigoldFilterSpec {
  filters: string[];
  advanced: AdvancedFilter[];
}

const OPERATOR_BY_LOWER = new Map(ADVANCED_OPERATORS.map((o) => [o.toLowerCase(), o]));

/** The canonical operator name for any spelling case (`StringEndsWith`, `stringendswith`…), or null. */
export function canonicalOperator(name: string): AdvancedOperator | null {
  return OPERATOR_BY_LOWER.get(name.toLowerCase()) ?? null;
}

/** A part is `*`, a literal, or a literal with `*` at its start and/or end; at most 256 characters in all. */
const FILTER_PART = /^\*?[^*.\s]*\*?$/;

/** Why `filter` is not a valid type filter, or null. */
export function typeFilterProblem(filter: string): string | null {
  if (filter.length === 0 || filter.length > 256) return 'must be 1 to 256 characters';
  const parts = filter.split('.');
  if (parts.some((p) => p.length === 0 || p === '**' || !FILTER_PART.test(p))) {
    return "must be dot-separated parts, '*' only at the start and/or end of a part (e.g. 'sdc.*', '*.failed', '*.email.*')";
  }
  return null;
}

const REGEX_CACHE = new Map<string, RegExp>();

/**
 * `*` stands for any run of characters, dots included (`sdc.*` covers every type under `sdc`, `*.failed` every
 * type ending in `.failed`); the rest matches literally. Case-insensitive, like every string comparison here.
 */
export function matchesTypeFilter(filter: string, type: string): boolean {
  let re = REGEX_CACHE.get(filter);
  if (!re) {
    const body = filter.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    re = new RegExp(`^${body}$`, 'is');
    if (REGEX_CACHE.size > 10_000) REGEX_CACHE.clear();
    REGEX_CACHE.set(filter, re);
  }
  return re.test(type);
}

type Lookup = { found: false } | { found: true; leaves: unknown[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The leaf values at `key` (dot path): an array contributes its elements; a path through an array reaches into
 * each element. Not found when a part is missing, or when the value there is an object (not a leaf).
 */
export function lookup(event: Record<string, unknown>, key: string): Lookup {
  let current: unknown[] = [event];
  for (const part of key.split('.')) {
    const next: unknown[] = [];
    for (const node of current.flatMap((n) => (Array.isArray(n) ? n : [n]))) {
      if (isObject(node) && Object.prototype.hasOwnProperty.call(node, part)) next.push(node[part]);
    }
    if (!next.length) return { found: false };
    current = next;
  }
  const leaves = current.flatMap((v) => (Array.isArray(v) ? v : [v]));
  if (current.every((v) => isObject(v)) || (leaves.length > 0 && leaves.every(isObject))) return { found: false };
  return { found: true, leaves: leaves.filter((v) => !isObject(v)) };
}

/** A number, or a string that is one (`"42"`, `" 4.5 "`); null otherwise. */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function toBool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  return null;
}

/** Strings compare case-insensitively; numbers and booleans compare as their text. */
function toText(v: unknown): string | null {
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v).toLowerCase();
  return null;
}

function looseEquals(leaf: unknown, value: FilterValue): boolean {
  const a = toNumber(leaf);
  const b = toNumber(value);
  if (a !== null && b !== null) return a === b;
  const x = toText(leaf);
  return x !== null && x === toText(value);
}

type Test = (leaf: unknown, value: FilterValue) => boolean;

const text = (f: (leaf: string, value: string) => boolean): Test => (leaf, value) => {
  const l = toText(leaf);
  const v = toText(value);
  return l !== null && v !== null && f(l, v);
};
const num = (f: (leaf: number, value: number) => boolean): Test => (leaf, value) => {
  const l = toNumber(leaf);
  const v = toNumber(value);
  return l !== null && v !== null && f(l, v);
};
const inRange: Test = (leaf, value) => {
  const l = toNumber(leaf);
  if (l === null || !Array.isArray(value)) return false;
  const [min, max] = value.map(toNumber);
  return min !== null && max !== null && l >= min && l <= max;
};

/** The positive test behind each operator; a negative operator is "no leaf passes its positive test". */
const POSITIVE: Record<Exclude<AdvancedOperator, 'isNullOrUndefined' | 'isNotNull'>, { test: Test; negated: boolean }> = {
  equals: { test: looseEquals, negated: false },
  notEquals: { test: looseEquals, negated: true },
  numberIn: { test: num((l, v) => l === v), negated: false },
  numberNotIn: { test: num((l, v) => l === v), negated: true },
  numberLessThan: { test: num((l, v) => l < v), negated: false },
  numberGreaterThan: { test: num((l, v) => l > v), negated: false },
  numberLessThanOrEquals: { test: num((l, v) => l <= v), negated: false },
  numberGreaterThanOrEquals: { test: num((l, v) => l >= v), negated: false },
  numberInRange: { test: inRange, negated: false },
  numberNotInRange: { test: inRange, negated: true },
  boolEquals: { test: (l, v) => toBool(l) !== null && toBool(l) === toBool(v), negated: false },
  stringIn: { test: text((l, v) => l === v), negated: false },
  stringNotIn: { test: text((l, v) => l === v), negated: true },
  stringContains: { test: text((l, v) => l.includes(v)), negated: false },
  stringNotContains: { test: text((l, v) => l.includes(v)), negated: true },
  stringBeginsWith: { test: text((l, v) => l.startsWith(v)), negated: false },
  stringNotBeginsWith: { test: text((l, v) => l.startsWith(v)), negated: true },
  stringEndsWith: { test: text((l, v) => l.endsWith(v)), negated: false },
  stringNotEndsWith: { test: text((l, v) => l.endsWith(v)), negated: true },
};

/** The `…NotIn` forms hold for a missing key (nothing there is in the set); every other operator fails. */
const TRUE_WHEN_MISSING: readonly AdvancedOperator[] = ['numberNotIn', 'stringNotIn', 'numberNotInRange', 'isNullOrUndefined'];

/**
 * One advanced filter against the event's CloudEvent view. Several values are ORed; an array property matches
 * when any element does (a negative operator: when none does); a missing key or an object (non-leaf) matches
 * only the `…NotIn` forms and `isNullOrUndefined`.
 */
export function matchesAdvancedFilter(filter: AdvancedFilter, event: Record<string, unknown>): boolean {
  const found = lookup(event, filter.key);
  if (!found.found) return TRUE_WHEN_MISSING.includes(filter.operator);
  const leaves = found.leaves;
  if (filter.operator === 'isNullOrUndefined') return leaves.length > 0 && leaves.every((l) => l === null);
  if (filter.operator === 'isNotNull') return leaves.some((l) => l !== null);
  const { test, negated } = POSITIVE[filter.operator];
  const any = leaves.some((leaf) => filter.values.some((value) => test(leaf, value)));
  return negated ? !any : any;
}

/** Sent when the type matches at least one filter and the event passes every advanced filter. */
export function matchesMarigoldSpec(spec: MarigoldFilterSpec, event: Record<string, unknown>): boolean {
  const type = typeof event.type === 'string' ? event.type : '';
  return spec.filters.some((f) => matchesTypeFilter(f, type)) && spec.advanced.every((a) => matchesAdvancedFilter(a, event));
}
