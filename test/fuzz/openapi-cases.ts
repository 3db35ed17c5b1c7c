/**
 * Request cases derived from an OpenAPI 3 document: a valid request built from each operation's schemas, then one
 * hostile change per case (missing and null fields, wrong types, arrays for objects, huge strings, NUL and lone
 * surrogates, deep nesting, numbers as strings, bad ids, dates and cursors, odd limits, wrong content types, empty
 * bodies, duplicate keys). Seeded, so a run is reproducible: the same seed gives the same cases.
 */

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minimum?: number;
  maximum?: number;
  example?: unknown;
  default?: unknown;
};

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  method: string;
  /** OpenAPI path template, `/v1/subscriptions/{id}`. */
  path: string;
  operationId: string;
  parameters: Parameter[];
  bodySchema: Schema | null;
  /** Security scheme names of the operation (empty: public). */
  security: string[];
}

export interface FuzzCase {
  method: string;
  /** Path and query, percent-encoded as sent. */
  url: string;
  /** Raw body bytes as a string (undefined: no body). */
  body?: string;
  contentType?: string;
  /** What this case does to the valid request, for the failure report. */
  label: string;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { operationId?: string; parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; security?: Record<string, string[]>[] }>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const content = op.requestBody?.content ?? {};
      const media = content['application/json'] ?? Object.values(content)[0];
      out.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId ?? `${method} ${path}`,
        parameters: op.parameters ?? [],
        bodySchema: media?.schema ?? (op.requestBody ? { type: 'object' } : null),
        security: (op.security ?? []).flatMap((s) => Object.keys(s)),
      });
    }
  }
  return out;
}

/** mulberry32: a small, fast, seedable PRNG. */
export class Rng {
  constructor(private state: number) {}
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
  }
}

const cursorOf = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

/** Values that have broken parsers, validators and SQL before. */
export const HOSTILE = {
  strings: ['', ' ', 'x\u0000y', '\u0000', '\uD800', 'a\uDC00b', 'x'.repeat(100_000), '😀'.repeat(500), "'; DROP TABLE tenants; --", '<script>', '%00', '../../etc/passwd', '${jndi:x}', '\r\nX-Injected: 1'],
  numbers: [0, -1, 1.5, 1e9, 2 ** 31, 2 ** 53, -(2 ** 31) - 1, 1e308, -0],
  numericStrings: ['1', '0', '-1', '1.5', '1e9', 'NaN', 'Infinity', '0x10'],
  uuids: ['not-a-uuid', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '------------------------------------', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', '0190F0E2-1111-7000-8000-00000000000G'],
  dates: ['2020-W01-1', '20200101T000000Z', '2020-13-01T00:00:00Z', '2020-02-30T00:00:00Z', '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2020-01-01', 'yesterday', '2020-001'],
  emails: ['a@b', 'ann@example.com\u0000', '\uD800@example.com', `${'a'.repeat(400)}@example.com`, 'no-at-sign', 'a@[127.0.0.1]'],
  urls: ['http://127.1/', 'http://[::ffff:0:7f00:1]/', 'http://[::ffff:7f00:1]/', 'https://[fd00:ec2::254]/', 'https://169.254.169.254/', 'javascript:alert(1)', 'file:///etc/passwd', 'https://', 'https://exa mple.com/', 'https://\u0000.example/', 'http://2130706433/'],
  cursors: [cursorOf(['2026-01-02T03:04:05.678Z', '------------------------------------']), cursorOf(['-100000-01-01T00:00:00Z', '0190f0e2-1111-7000-8000-000000000001']), cursorOf(['+200000-01-01T00:00:00Z', '0190f0e2-1111-7000-8000-000000000001']), cursorOf({}), cursorOf([null, null]), cursorOf([1, 2]), 'garbage', '%00', 'A'.repeat(199), cursorOf(['2026-01-02T03:04:05.678Z', 'x\u0000'])],
  limits: ['0', '-1', '1e9', '1.5', 'abc', '', '101', '1e2', '0x10', '9'.repeat(40)],
};

export class CaseFactory {
  constructor(
    private readonly doc: OpenApiDocument,
    private readonly rng: Rng,
    /** A real value for a path parameter (an id that exists), or undefined to invent one. */
    private readonly fixture: (op: Operation, param: string) => string | undefined,
    /** A real value for a body property or query parameter by name (`tenant_id`, `list_id`), if there is one. */
    private readonly field: (name: string) => string | undefined = () => undefined,
  ) {}

  private resolve(s: Schema | undefined, seen = 0): Schema {
    if (!s) return {};
    if (s.$ref && seen < 20) {
      const name = s.$ref.split('/').pop() as string;
      return this.resolve(this.doc.components?.schemas?.[name], seen + 1);
    }
    if (s.allOf?.length) {
      const parts = s.allOf.map((p) => this.resolve(p, seen + 1));
      return {
        type: 'object',
        properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
        required: parts.flatMap((p) => p.required ?? []),
      };
    }
    const alt = s.oneOf ?? s.anyOf;
    if (alt?.length) return this.resolve(alt[0], seen + 1);
    return s;
  }

  /** A value the schema accepts (as far as the schema says). */
  valid(schema: Schema | undefined, depth = 0): unknown {
    const s = this.resolve(schema);
    if (s.example !== undefined && this.rng.chance(0.5)) return s.example;
    if (s.enum?.length) return this.rng.pick(s.enum);
    if (s.default !== undefined && this.rng.chance(0.3)) return s.default;
    const type = s.type ?? (s.properties ? 'object' : s.items ? 'array' : 'string');
    switch (type) {
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [k, p] of Object.entries(s.properties ?? {})) {
          if (depth < 6 && ((s.required ?? []).includes(k) || this.rng.chance(0.6))) out[k] = this.field(k) ?? this.valid(p, depth + 1);
        }
        return out;
      }
      case 'array':
        return depth < 6 ? Array.from({ length: 1 + this.rng.int(2) }, () => this.valid(s.items, depth + 1)) : [];
      case 'integer':
      case 'number': {
        const min = s.minimum ?? 1;
        const max = Math.min(s.maximum ?? min + 100, min + 100);
        return min + this.rng.int(max - min + 1);
      }
      case 'boolean':
        return this.rng.chance(0.5);
      default:
        return this.validString(s);
    }
  }

  private validString(s: Schema): string {
    switch (s.format) {
      case 'uuid':
        return this.rng.uuid();
      case 'date-time':
        return new Date(Date.now() - this.rng.int(86_400_000)).toISOString();
      case 'email':
        return `fuzz${this.rng.int(1e6)}@example.com`;
      case 'uri':
        return 'https://example.com/hook';
      default:
        return `fuzz-${this.rng.int(1e6)}`;
    }
  }

  /** A hostile value fitting the slot's declared kind (or any). */
  hostile(schema: Schema | undefined): unknown {
    const s = this.resolve(schema);
    const pools: unknown[][] = [HOSTILE.strings, HOSTILE.numbers, HOSTILE.numericStrings, [null, true, false, [], {}, [[]], [{}], { a: null }]];
    if (s.format === 'uuid') pools.push(HOSTILE.uuids, HOSTILE.uuids);
    if (s.format === 'date-time') pools.push(HOSTILE.dates, HOSTILE.dates);
    if (s.format === 'email') pools.push(HOSTILE.emails, HOSTILE.emails);
    if (s.format === 'uri') pools.push(HOSTILE.urls, HOSTILE.urls);
    if (s.type === 'object' || s.properties || s.$ref) pools.push([[this.valid(s)], 'object-as-string', 42, []]);
    if (s.type === 'integer' || s.type === 'number') pools.push(HOSTILE.numbers, HOSTILE.numericStrings);
    return this.rng.pick(this.rng.pick(pools));
  }

  /** Every property path of a value (`a`, `a.b`, `list.0`), to pick one to change. */
  private paths(v: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
    if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const p = [...prefix, k];
        out.push(p);
        if (p.length < 8) this.paths(child, p, out);
      }
    }
    return out;
  }

  private schemaAt(schema: Schema | null, path: string[]): Schema | undefined {
    let s: Schema | undefined = schema ?? undefined;
    for (const k of path) {
      const r = this.resolve(s);
      s = r.properties?.[k] ?? (r.items && /^\d+$/.test(k) ? r.items : undefined);
      if (!s) return undefined;
    }
    return s;
  }

  /** One case for `op`. */
  next(op: Operation): FuzzCase {
    const labels: string[] = [];
    const url = this.url(op, labels);
    if (!op.bodySchema && op.method === 'GET') return { method: op.method, url, label: labels.join(', ') || 'valid' };
    const body = this.body(op, labels);
    return { method: op.method, url, ...body, label: labels.join(', ') || 'valid' };
  }

  private url(op: Operation, labels: string[]): string {
    let path = op.path;
    for (const p of op.parameters.filter((x) => x.in === 'path')) {
      let value = encode(this.fixture(op, p.name) ?? this.rng.uuid());
      if (this.rng.chance(0.2)) {
        // already percent-encoded as sent: NUL, a lone surrogate's bytes, a bare %, a dot segment, an overlong id
        value = this.rng.pick([...HOSTILE.uuids, '%00', 'a%00b', '%ED%A0%80', 'x'.repeat(450), '%', '..', '%20', '1e9', '-1']);
        labels.push(`path ${p.name}=${value.slice(0, 40)}`);
      }
      path = path.replace(`{${p.name}}`, value);
    }
    const query: string[] = [];
    for (const p of op.parameters.filter((x) => x.in === 'query')) {
      if (this.rng.chance(0.4)) continue;
      let value: unknown = this.field(p.name) ?? this.valid(p.schema);
      if (this.rng.chance(0.5)) {
        value = this.queryHostile(p);
        labels.push(`?${p.name}=${JSON.stringify(String(value).slice(0, 40))}`);
      }
      query.push(`${encode(p.name)}=${encode(String(value))}`);
      if (this.rng.chance(0.1)) {
        query.push(`${encode(p.name)}=${encode(String(this.valid(p.schema)))}`);
        labels.push(`duplicate ?${p.name}`);
      }
    }
    if (this.rng.chance(0.05)) {
      query.push(this.rng.pick(['%00=1', 'x=%ED%A0%80', 'limit=1&limit=2', 'cursor[a]=1', '__proto__[x]=1', 'constructor=1', 'unknown=' + 'y'.repeat(2000)]));
      labels.push(`query ${query[query.length - 1].slice(0, 30)}`);
    }
    return query.length ? `${path}?${query.join('&')}` : path;
  }

  private queryHostile(p: Parameter): unknown {
    if (p.name === 'limit') return this.rng.pick(HOSTILE.limits);
    if (p.name === 'cursor') return this.rng.pick(HOSTILE.cursors);
    const s = this.resolve(p.schema);
    if (s.format === 'date-time' || /since|after|before|_at$/.test(p.name)) return this.rng.pick([...HOSTILE.dates, ...HOSTILE.strings.slice(0, 6)]);
    if (s.format === 'uuid' || /_id$|^after$/.test(p.name)) return this.rng.pick([...HOSTILE.uuids, '\u0000']);
    return this.rng.pick([...HOSTILE.strings.slice(0, 9), ...HOSTILE.numericStrings, ...HOSTILE.limits]);
  }

  private body(op: Operation, labels: string[]): { body?: string; contentType?: string } {
    const json = 'application/json';
    const roll = this.rng.next();
    if (roll < 0.04) {
      const [label, body, contentType] = this.rng.pick<[string, string | undefined, string | undefined]>([
        ['no body', undefined, undefined],
        ['empty JSON body', '', json],
        ['body null', 'null', json],
        ['body array', '[]', json],
        ['body string', '"x"', json],
        ['body number', '123', json],
        ['malformed JSON', '{"a":', json],
        ['deep array nesting', deepArray(100_000), json],
        ['deep object nesting', deepObject(20_000), json],
        ['wrong content type', JSON.stringify(this.valid(op.bodySchema ?? undefined)), 'application/xml'],
        ['form body', 'a=1&b=%00', 'application/x-www-form-urlencoded'],
        ['text/plain body', JSON.stringify(this.valid(op.bodySchema ?? undefined)), 'text/plain'],
        ['BOM body', '\uFEFF{}', json],
      ]);
      labels.push(label);
      return { body, contentType };
    }
    const value = this.valid(op.bodySchema ?? undefined);
    if (roll < 0.12 || !value || typeof value !== 'object') {
      if (roll >= 0.12) labels.push('non-object body schema');
      return { body: JSON.stringify(value), contentType: json };
    }
    const paths = this.paths(value);
    if (roll < 0.17) {
      // duplicate keys: the raw text names a top-level key twice with different values
      const key = Object.keys(value)[0] ?? 'a';
      labels.push(`duplicate key ${key}`);
      const text = JSON.stringify(value);
      return { body: `{${JSON.stringify(key)}:${JSON.stringify(this.hostile(undefined))},${text.slice(1)}`, contentType: json };
    }
    if (roll < 0.22) {
      const path = paths.length ? this.rng.pick(paths) : ['a'];
      labels.push(`deep nesting at ${path.join('.')}`);
      const marker = '"__DEEP__"';
      setAt(value, path, '__DEEP__');
      return { body: JSON.stringify(value).replace(marker, deepObject(this.rng.pick([70, 5000]))), contentType: json };
    }
    // One or two hostile changes at property paths (absent properties too: unknown keys, NUL in keys).
    const changes = 1 + this.rng.int(2);
    for (let i = 0; i < changes; i++) {
      const all = this.paths(value);
      const path = all.length && this.rng.chance(0.9) ? this.rng.pick(all) : [this.rng.pick(['k\u0000', '\uD800', '__proto__', 'constructor', 'extra'])];
      const schema = this.schemaAt(op.bodySchema, path);
      const kind = this.rng.next();
      if (kind < 0.2) {
        deleteAt(value, path);
        labels.push(`missing ${path.join('.')}`);
      } else if (kind < 0.35) {
        setAt(value, path, null);
        labels.push(`null ${path.join('.')}`);
      } else {
        const v = this.hostile(schema);
        setAt(value, path, v);
        labels.push(`${path.join('.')}=${JSON.stringify(v)?.slice(0, 40)}`);
      }
    }
    return { body: JSON.stringify(value), contentType: json };
  }
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) is sent as its 3 raw UTF-8-style bytes. */
function encode(s: string): string {
  return s
    .split(/([\uD800-\uDFFF])/)
    .map((part) => (/^[\uD800-\uDFFF]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('');
}

function setAt(root: unknown, path: string[], v: unknown): void {
  let cur = root as Record<string, unknown>;
  for (const k of path.slice(0, -1)) {
    if (!cur[k] || typeof cur[k] !== 'object') cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  Object.defineProperty(cur, path[path.length - 1], { value: v, enumerable: true, configurable: true, writable: true });
}

function deleteAt(root: unknown, path: string[]): void {
  let cur = root as Record<string, unknown> | undefined;
  for (const k of path.slice(0, -1)) cur = cur?.[k] as Record<string, unknown> | undefined;
  if (cur && typeof cur === 'object') delete cur[path[path.length - 1]];
}
