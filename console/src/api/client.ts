import type { paths } from './openapi';
import type { Fallbacks } from './types';

/**
 * The console's API client: the engine's own routes, authenticated by the session cookie (sent by the browser)
 * plus the session's CSRF token. Paths, query parameters and bodies are checked against the engine's OpenAPI
 * (openapi.d.ts, generated); a response is typed by its OpenAPI schema, or by types.ts for the routes listed there.
 */
type Method = 'get' | 'post' | 'patch' | 'delete';
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type BodyOf<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type SuccessOf<O> = O extends { responses: infer R }
  ? JsonOf<R[200 & keyof R]> | JsonOf<R[201 & keyof R]> | JsonOf<R[202 & keyof R]>
  : never;
type Override<P, M> = P extends keyof Fallbacks ? (M extends keyof Fallbacks[P] ? [Fallbacks[P][M]] : never) : never;
/**
 * A route's response: the shape types.ts gives it, for routes whose schema the generated document leaves empty or
 * loose; otherwise the success schema the engine's OpenAPI declares.
 */
export type Reply<P extends keyof paths, M extends Method> = [Override<P, M>] extends [never] ? SuccessOf<Op<P, M>> : Override<P, M>[0];

export interface Problem {
  status: number;
  error?: string;
  detail?: string;
  reason?: string;
  errors?: Record<string, string[]>;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? `HTTP ${problem.status}`);
  }
}

let csrfToken = '';
export function setCsrfToken(token: string): void {
  csrfToken = token;
}
export function currentCsrfToken(): string {
  return csrfToken;
}

interface Options<P extends keyof paths, M extends Method> {
  params?: Record<string, string>;
  query?: QueryOf<Op<P, M>>;
  body?: BodyOf<Op<P, M>>;
  headers?: Record<string, string>;
}

export async function api<P extends keyof paths, M extends Method>(method: M, path: P, options: Options<P, M> = {}): Promise<Reply<P, M>> {
  let url = String(path).replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(options.params?.[name] ?? ''));
  const query = Object.entries((options.query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== '');
  if (query.length) url += `?${new URLSearchParams(query.map(([k, v]) => [k, String(v)]))}`;
  const res = await fetch(url, {
    method: method.toUpperCase(),
    credentials: 'same-origin',
    headers: {
      accept: 'application/json',
      ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError({ status: res.status, ...(json as object) });
  return json as Reply<P, M>;
}

/** A readable sentence for a failed call. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    const fields = Object.entries(e.problem.errors ?? {}).map(([f, m]) => `${f}: ${m.join(', ')}`);
    return [`${e.problem.status} ${e.problem.detail ?? e.problem.error ?? ''}`.trim(), ...fields].join(' — ');
  }
  return e instanceof Error ? e.message : String(e);
}
