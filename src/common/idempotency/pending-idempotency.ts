import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/**
 * A key this request has claimed, for a handler that stores its own response in the statement that does its work
 * (one row write less than the completion as the response is sent). The handler sets `stored` once that
 * statement has committed; the response then leaves the key alone.
 */
export interface PendingIdempotency {
  owner: string;
  scope: string;
  key: string;
  statusCode: number;
  stored: boolean;
}

export type WithPendingIdempotency = { idempotency?: PendingIdempotency };

/** The request's claimed key (null when it sent none or the route is not idempotent). */
export const IdempotencyClaim = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): PendingIdempotency | null => ctx.switchToHttp().getRequest<WithPendingIdempotency>().idempotency ?? null,
);

/**
 * SQL that completes the claimed keys of `$n…$n+4` (owner, scope, key, status code, body): a data-modifying CTE to
 * put next to the handler's own INSERT, so both commit or neither does.
 */
export function completionCte(n: number): string {
  return `UPDATE idempotency_keys k SET state = 'completed', status_code = v.status_code, response_body = v.body
  FROM unnest($${n}::text[], $${n + 1}::text[], $${n + 2}::text[], $${n + 3}::int[], $${n + 4}::jsonb[]) AS v(owner, scope, key, status_code, body)
 WHERE k.owner = v.owner AND k.scope = v.scope AND k.key = v.key`;
}

/** The parameters of `completionCte` for (key, response body) pairs. */
export function completionParams(items: { key: Omit<PendingIdempotency, 'stored'>; body: unknown }[]): unknown[] {
  return completionParamsOfJson(items.map((i) => ({ key: i.key, json: i.body === null || i.body === undefined ? null : JSON.stringify(i.body) })));
}

/** The same for bodies already serialised (JSON text, null for none). */
export function completionParamsOfJson(items: { key: Omit<PendingIdempotency, 'stored'>; json: string | null }[]): unknown[] {
  return [items.map((i) => i.key.owner), items.map((i) => i.key.scope), items.map((i) => i.key.key), items.map((i) => i.key.statusCode), items.map((i) => i.json)];
}
