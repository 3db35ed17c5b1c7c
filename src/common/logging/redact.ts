/** What every redacted value is replaced with. */
export const REDACTED = '[Redacted]';

/** Query parameters that carry credentials (`?key=` of the SSE stream, `?token=` of Bull Board, OAuth forms…). */
const SECRET_PARAM = /^(key|api_?key|token|access_?token|refresh_?token|id_?token|client_?secret|secret|password|signature|sig|code)$/i;
/** Headers that carry credentials, including tenant-defined custom ones named like a secret. */
const SECRET_HEADER = /authorization|cookie|signature|secret|token|api[-_]?key|password|credential|session/i;

/** `url` with the value of every credential-bearing query parameter replaced (the path and other params kept). */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // a malformed escape is judged as written
      }
      return SECRET_PARAM.test(decoded.trim()) ? `${name}=${REDACTED}` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

/** A copy of parsed query parameters or headers with credential-bearing values replaced. */
export function redactFields(fields: unknown, pattern: 'query' | 'header'): unknown {
  if (!fields || typeof fields !== 'object') return fields;
  const test = pattern === 'query' ? (k: string) => SECRET_PARAM.test(k) : (k: string) => SECRET_HEADER.test(k);
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, test(k) ? REDACTED : v]));
}

interface SerializedRequest {
  url?: string;
  query?: unknown;
  headers?: unknown;
}

/** pino `req` serializer: the request line, parsed query and headers, without credentials. */
export function redactRequest<R extends SerializedRequest>(req: R): R {
  return {
    ...req,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    query: redactFields(req.query, 'query'),
    headers: redactFields(req.headers, 'header'),
  };
}

/** pino `res` serializer: response headers without credentials (Bull Board's Set-Cookie carries the admin JWT). */
export function redactResponse<R extends { headers?: unknown }>(res: R): R {
  return { ...res, headers: redactFields(res.headers, 'header') };
}
