import { AppError, FieldErrors } from '../../../../common/errors/app-error';
import { CustomHeader, customHeaderProblem, MAX_CUSTOM_HEADERS } from '../../custom-headers';
import {
  AdvancedFilter,
  AdvancedOperator,
  canonicalOperator,
  FilterValue,
  MarigoldFilterSpec,
  toNumber,
  typeFilterProblem,
  VALUELESS_OPERATORS,
} from './marigold-filter';

/** Limits of one request and one subscription. */
export const MAX_EVENTS_PER_REQUEST = 1000;
export const MAX_REQUEST_BYTES = 1024 * 1024;
export const MAX_SUBSCRIPTIONS = 100;
export const MAX_FILTERS = 100;
export const MAX_ADVANCED_FILTERS = 25;
export const MAX_FILTER_VALUES = 25;
export const MAX_FILTER_VALUE_LENGTH = 512;

/** A CloudEvent as received: its attributes (`data` apart) and its data, when it had any. */
export interface ReceivedCloudEvent {
  attributes: Record<string, unknown>;
  data: unknown;
}

/** A subscription entry of a PUT, validated and normalized. */
export interface MarigoldSubscriptionInput {
  targetUrl: string;
  spec: MarigoldFilterSpec;
  headers: CustomHeader[];
}

/** What GET answers per subscription (the Marigold shape; headers and advanced filters in their chosen form). */
export interface MarigoldSubscriptionView {
  filters: string[];
  target_url: string;
  headers: CustomHeader[] | null;
  advanced_filters: ({ key: string; operator: AdvancedOperator } & ({ value: FilterValue } | { values: FilterValue[] } | object))[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects `field → messages` under a path prefix (`[2].source`, or `source` for a lone object). */
class Problems {
  readonly errors: FieldErrors = {};
  add(path: string, message: string): void {
    (this.errors[path] ??= []).push(message);
  }
  throwIfAny(): void {
    if (Object.keys(this.errors).length) throw AppError.validation(this.errors, 'One or more validation errors occurred.');
  }
}

const at = (prefix: string, field: string) => (prefix ? `${prefix}.${field}` : field);

// --- CloudEvents -------------------------------------------------------------------------------------------------

/** Context attributes the spec defines; any other top-level member is an extension attribute. */
const CONTEXT_ATTRIBUTES = new Set(['id', 'source', 'specversion', 'type', 'datacontenttype', 'dataschema', 'subject', 'time', 'data', 'data_base64']);
// The spec: lower-case letters and digits; its 20-character length is a SHOULD, so only a sanity cap here.
const EXTENSION_NAME = /^[a-z0-9]{1,128}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const NO_SPACE = /^[^\s\p{Cc}]+$/u;

function isUriReference(v: string): boolean {
  if (!NO_SPACE.test(v)) return false;
  try {
    new URL(v, 'http://base.invalid/');
    return true;
  } catch {
    return false;
  }
}

function isAbsoluteUri(v: string): boolean {
  if (!SCHEME.test(v) || !NO_SPACE.test(v)) return false;
  try {
    new URL(v);
    return true;
  } catch {
    return false;
  }
}

function checkCloudEvent(e: unknown, prefix: string, p: Problems): ReceivedCloudEvent | null {
  if (!isObject(e)) {
    p.add(prefix || 'body', 'must be a CloudEvent object');
    return null;
  }
  const nonEmpty = (name: string) => {
    if (typeof e[name] !== 'string' || (e[name] as string).length === 0) p.add(at(prefix, name), `The ${name} field is required (a non-empty string).`);
  };
  nonEmpty('id');
  nonEmpty('type');
  nonEmpty('source');
  if (typeof e.source === 'string' && e.source && !isUriReference(e.source)) p.add(at(prefix, 'source'), 'The source field must be a URI-reference.');
  if (e.specversion !== undefined && e.specversion !== '1.0') p.add(at(prefix, 'specversion'), "The specversion field must be '1.0'.");
  if (e.time !== undefined && e.time !== null && !(typeof e.time === 'string' && RFC3339.test(e.time) && !Number.isNaN(Date.parse(e.time)))) {
    p.add(at(prefix, 'time'), 'The time field must be an RFC 3339 timestamp.');
  }
  if (e.subject !== undefined && e.subject !== null && typeof e.subject !== 'string') p.add(at(prefix, 'subject'), 'The subject field must be a string.');
  if (e.dataschema !== undefined && !(typeof e.dataschema === 'string' && isAbsoluteUri(e.dataschema))) {
    p.add(at(prefix, 'dataschema'), 'The dataschema field must be an absolute URI.');
  }
  if (e.datacontenttype !== undefined && !(typeof e.datacontenttype === 'string' && /^[\w.+-]+\/[\w.+-]+/.test(e.datacontenttype))) {
    p.add(at(prefix, 'datacontenttype'), 'The datacontenttype field must be a media type.');
  }
  if (e.data_base64 !== undefined && (typeof e.data_base64 !== 'string' || e.data !== undefined)) {
    p.add(at(prefix, 'data_base64'), 'The data_base64 field must be a base64 string, and not sent together with data.');
  }
  for (const [name, value] of Object.entries(e)) {
    if (CONTEXT_ATTRIBUTES.has(name)) continue;
    if (!EXTENSION_NAME.test(name)) p.add(at(prefix, name), 'Extension attribute names are lower-case letters or digits only.');
    else if (!['string', 'number', 'boolean'].includes(typeof value)) p.add(at(prefix, name), 'Extension attribute values are strings, numbers or booleans.');
  }
  const { data, ...attributes } = e;
  return { attributes: { ...attributes, specversion: '1.0' }, data };
}

/**
 * A JSON array of CloudEvents (or one object) in structured mode, validated as the spec says; all or nothing.
 * Errors are keyed by the failing field: `[2].source` in an array, `source` for a lone object.
 */
export function parseCloudEvents(body: unknown): ReceivedCloudEvent[] {
  const p = new Problems();
  const lone = !Array.isArray(body);
  const list = lone ? [body] : (body as unknown[]);
  if (list.length > MAX_EVENTS_PER_REQUEST) {
    throw new AppError('payload_too_large', `At most ${MAX_EVENTS_PER_REQUEST} events per request`);
  }
  if (list.length === 0) p.add('body', 'At least one event is required.');
  const events = list.map((e, i) => checkCloudEvent(e, lone ? '' : `[${i}]`, p));
  p.throwIfAny();
  return events as ReceivedCloudEvent[];
}

// --- Subscriptions -----------------------------------------------------------------------------------------------

function parseTargetUrl(v: unknown, path: string, p: Problems): string {
  if (typeof v !== 'string' || !v.trim()) {
    p.add(path, 'The target_url field is required.');
    return '';
  }
  // The Marigold API's samples have no scheme (`www.example.com/sdc`): such a URL means https.
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(v.trim()) ? v.trim() : `https://${v.trim()}`;
  try {
    new URL(url);
  } catch {
    p.add(path, 'The target_url field must be a URL.');
  }
  return url;
}

function parseFilters(v: unknown, path: string, p: Problems): string[] {
  if (!Array.isArray(v) || v.length === 0) {
    p.add(path, 'The filters field needs at least one filter.');
    return [];
  }
  if (v.length > MAX_FILTERS) p.add(path, `At most ${MAX_FILTERS} filters.`);
  return v.map((f, j) => {
    const problem = typeof f === 'string' ? typeFilterProblem(f) : 'must be a string';
    if (problem) p.add(`${path}[${j}]`, `The filter ${problem}.`);
    return String(f);
  });
}

/** `{name, value}`, `{key, value}` or `{"X-Name": "value"}` items, or one `{"X-Name": "value", …}` map. */
function parseHeaders(v: unknown, path: string, p: Problems): CustomHeader[] {
  if (v === undefined || v === null) return [];
  let pairs: { item: string; name: unknown; value: unknown }[];
  if (Array.isArray(v)) {
    pairs = v.map((h, j) => {
      const item = `${path}[${j}]`;
      if (!isObject(h)) return { item, name: undefined, value: undefined };
      if ('name' in h || 'key' in h) return { item, name: h.name ?? h.key, value: h.value };
      const entries = Object.entries(h);
      return entries.length === 1 ? { item, name: entries[0][0], value: entries[0][1] } : { item, name: undefined, value: undefined };
    });
  } else if (isObject(v)) {
    pairs = Object.entries(v).map(([name, value]) => ({ item: `${path}.${name}`, name, value }));
  } else {
    p.add(path, 'The headers field must be an array of {name, value} objects.');
    return [];
  }
  if (pairs.length > MAX_CUSTOM_HEADERS) p.add(path, `At most ${MAX_CUSTOM_HEADERS} headers.`);
  const seen = new Set<string>();
  const headers: CustomHeader[] = [];
  for (const { item, name, value } of pairs) {
    if (typeof name !== 'string' || !['string', 'number', 'boolean'].includes(typeof value)) {
      p.add(item, 'A header is {"name": "...", "value": "..."}.');
      continue;
    }
    const problem = customHeaderProblem(name, String(value));
    if (problem) p.add(item, `The header ${problem}.`);
    else if (seen.has(name.toLowerCase())) p.add(item, `The header '${name}' is given twice.`);
    seen.add(name.toLowerCase());
    headers.push({ name, value: String(value) });
  }
  return headers;
}

function valueProblem(operator: AdvancedOperator, v: unknown): string | null {
  const range = operator === 'numberInRange' || operator === 'numberNotInRange';
  if (range) {
    if (!Array.isArray(v) || v.length !== 2 || v.some((x) => toNumber(x) === null)) return 'must be a [min, max] pair of numbers';
    return (toNumber(v[0]) as number) <= (toNumber(v[1]) as number) ? null : 'must have min ≤ max';
  }
  if (!['string', 'number', 'boolean'].includes(typeof v)) return 'must be a string, number or boolean';
  if (String(v).length > MAX_FILTER_VALUE_LENGTH) return `must be at most ${MAX_FILTER_VALUE_LENGTH} characters`;
  if (operator.startsWith('number') && toNumber(v) === null) return 'must be a number';
  if (operator === 'boolEquals' && !(typeof v === 'boolean' || /^(true|false)$/i.test(String(v)))) return 'must be true or false';
  return null;
}

/** `{key, operator, value | values}` (also `operatorType`), or the Marigold sentence form `"data.recipient stringEndsWith gmail.com"`. */
function parseAdvancedFilter(v: unknown, path: string, p: Problems): AdvancedFilter | null {
  let key: unknown;
  let op: unknown;
  let values: unknown[] | undefined;
  if (typeof v === 'string') {
    const [k, o, ...rest] = v.trim().split(/\s+/);
    [key, op, values] = [k, o, rest.length ? [rest.join(' ')] : undefined];
  } else if (isObject(v)) {
    key = v.key;
    op = v.operator ?? v.operatorType ?? v.operator_type;
    if (v.values !== undefined) values = Array.isArray(v.values) ? v.values : [v.values];
    else if (v.value !== undefined) values = [v.value];
  } else {
    p.add(path, 'An advanced filter is {"key": "...", "operator": "...", "value": ...} or {..., "values": [...]}.');
    return null;
  }
  const start = Object.keys(p.errors).length;
  if (typeof key !== 'string' || !/^[^\s.]{1,128}(\.[^\s.]{1,128}){0,15}$/.test(key)) p.add(`${path}.key`, 'The key is a dot path to an event property, e.g. data.recipient.');
  const operator = typeof op === 'string' ? canonicalOperator(op) : null;
  if (!operator) {
    p.add(`${path}.operator`, `Unknown operator '${String(op)}'.`);
    return null;
  }
  if (VALUELESS_OPERATORS.includes(operator)) {
    if (values?.length) p.add(`${path}.value`, `${operator} takes no value.`);
    values = [];
  } else if (!values?.length) {
    p.add(`${path}.value`, `${operator} needs a value (or values).`);
  } else {
    if (values.length > MAX_FILTER_VALUES) p.add(`${path}.values`, `At most ${MAX_FILTER_VALUES} values.`);
    // A lone [min, max] given as `value` is one range.
    values.forEach((x, k) => {
      const problem = valueProblem(operator, x);
      if (problem) p.add(values!.length > 1 ? `${path}.values[${k}]` : `${path}.value`, `The value ${problem}.`);
    });
  }
  return Object.keys(p.errors).length === start ? { key: key as string, operator, values: values as FilterValue[] } : null;
}

function parseAdvancedFilters(v: unknown, path: string, p: Problems): AdvancedFilter[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    p.add(path, 'The advanced_filters field must be an array.');
    return [];
  }
  if (v.length > MAX_ADVANCED_FILTERS) p.add(path, `At most ${MAX_ADVANCED_FILTERS} advanced filters per subscription.`);
  return v.flatMap((a, j) => parseAdvancedFilter(a, `${path}[${j}]`, p) ?? []);
}

/** The PUT body: the tenant's whole set, validated as a whole (any error: nothing changes). */
export function parseSubscriptions(body: unknown): MarigoldSubscriptionInput[] {
  const p = new Problems();
  if (!Array.isArray(body)) {
    p.add('body', 'The body must be an array of subscriptions.');
    p.throwIfAny();
  }
  const list = body as unknown[];
  if (list.length > MAX_SUBSCRIPTIONS) p.add('body', `At most ${MAX_SUBSCRIPTIONS} subscriptions.`);
  const inputs = list.map((s, i) => {
    if (!isObject(s)) {
      p.add(`[${i}]`, 'A subscription is {filters, target_url, headers?, advanced_filters?}.');
      return null;
    }
    return {
      targetUrl: parseTargetUrl(s.target_url, `[${i}].target_url`, p),
      spec: { filters: parseFilters(s.filters, `[${i}].filters`, p), advanced: parseAdvancedFilters(s.advanced_filters, `[${i}].advanced_filters`, p) },
      headers: parseHeaders(s.headers, `[${i}].headers`, p),
    };
  });
  p.throwIfAny();
  return inputs as MarigoldSubscriptionInput[];
}

/** One stored subscription as GET shows it: a filter with one value as `value`, with several as `values`. */
export function toSubscriptionView(s: { url: string; spec: MarigoldFilterSpec; headers: CustomHeader[] }): MarigoldSubscriptionView {
  return {
    filters: s.spec.filters,
    target_url: s.url,
    headers: s.headers.length ? s.headers : null,
    advanced_filters: s.spec.advanced.map(({ key, operator, values }) =>
      values.length === 0 ? { key, operator } : values.length === 1 ? { key, operator, value: values[0] } : { key, operator, values },
    ),
  };
}
