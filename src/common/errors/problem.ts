import { STATUS_CODES } from 'node:http';
import { FieldErrors } from './app-error';

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
  request_id: string;
}

/** The body that satisfies every dialect's error schema at once (RFC 7807 + `error`/`message` + FlexEngage `validations`). */
export function buildProblem(p: {
  status: number;
  code: string;
  detail: string;
  instance: string;
  requestId: string;
  reason?: string;
  errors?: FieldErrors;
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
  return body;
}
