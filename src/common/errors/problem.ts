import { STATUS_CODES } from 'node:http';
import { FieldErrors } from './app-error';
import type { ErrorDialect } from './validation-status.decorator';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  error: string;
  message: string;
  reason?: string;
  errors?: FieldErrors;
  validations?: Record<string, string>;
  /** flexEngage `APIErrorResponse.description`: the human sentence (that dialect's `message` is the reason phrase). */
  description?: string;
  request_id: string;
  /** The request id again, for routes of the `marigold` error dialect. */
  traceId?: string;
}

/** What a route's error dialect (declared with `@ValidationStatus`) changes in the common body. */
const DIALECT_FIELDS: Partial<Record<ErrorDialect, (p: Problem) => Partial<Problem>>> = {
  // flexEngage: `message` is the upper-case reason phrase (`NOT FOUND`), except its 500 example's `Internal Server Error`.
  flexengage: (p) => ({ message: p.status === 500 ? p.title : p.title.toUpperCase(), description: p.detail }),
};

/** The body that satisfies every dialect's error schema at once (RFC 7807 + `error`/`message` + FlexEngage `validations`). */
export function buildProblem(p: {
  status: number;
  code: string;
  detail: string;
  instance: string;
  requestId: string;
  reason?: string;
  errors?: FieldErrors;
  dialect?: ErrorDialect;
}): Problem {
  const body: Problem = {
    type: `urn:send-engine:problem:${p.code}`,
    title: STATUS_CODES[p.status] ?? 'Error',
    status: p.status,
    detail: p.detail,
    instance: p.instance,
    error: p.code,
    message: p.detail,
    request_id: p.requestId,
  };
  if (p.reason) body.reason = p.reason;
  if (p.errors && Object.keys(p.errors).length > 0) {
    body.errors = p.errors;
    body.validations = Object.fromEntries(Object.entries(p.errors).map(([k, v]) => [k, v.join('; ')]));
  }
  const dialect = p.dialect && DIALECT_FIELDS[p.dialect];
  return dialect ? Object.assign(body, dialect(body)) : body;
}
