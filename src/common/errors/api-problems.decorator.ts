import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, ApiResponseOptions, getSchemaPath } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ErrorResponse } from './error-response.dto';

/** What each error status means on this API, and a body the filter really writes for it. */
const PROBLEMS: Record<number, { description: string; code: string; detail: string; reason?: string; errors?: Record<string, string[]> }> = {
  400: {
    description: 'Validation failed (this route answers validation errors with 400; `errors` maps each field to its messages), or malformed JSON',
    code: 'validation_failed',
    detail: 'The request is invalid',
    errors: { url: ['url must be a URL address'] },
  },
  401: { description: 'Missing, invalid or expired credential', code: 'unauthorized', detail: 'Authentication required', reason: 'missing_token' },
  403: { description: 'The credential lacks the role, or names another tenant', code: 'forbidden', detail: 'This route needs the editor role' },
  404: { description: 'Unknown id, or another tenant\'s', code: 'not_found', detail: 'Resource not found' },
  409: { description: 'Conflicts with the current state', code: 'conflict', detail: 'The request conflicts with the current state' },
  413: { description: 'Body over the route\'s size limit', code: 'payload_too_large', detail: 'The request body exceeds 1048576 bytes' },
  415: { description: 'Unsupported Content-Type', code: 'unsupported_media_type', detail: 'Unsupported Media Type: text/xml' },
  422: {
    description: 'Validation failed; `errors` maps each field to its messages',
    code: 'validation_failed',
    detail: 'The request is invalid',
    errors: { name: ['name must be longer than or equal to 1 characters'] },
  },
  429: { description: 'Tenant rate limit reached; see Retry-After', code: 'rate_limited', detail: 'Rate limit exceeded for this tenant' },
  503: { description: 'A dependency (Postgres, Redis) is unavailable; retry later', code: 'service_unavailable', detail: 'Service unavailable' },
};

function example(status: number) {
  const p = PROBLEMS[status];
  return {
    type: `urn:send-engine:problem:${p.code}`,
    title: STATUS_CODES[status],
    status,
    detail: p.detail,
    instance: '/api/lists',
    error: p.code,
    message: p.detail,
    ...(p.reason ? { reason: p.reason } : {}),
    ...(p.errors ? { errors: p.errors } : {}),
    request_id: '0193c2a4-5b6e-7c01-9d2e-3f4a5b6c7d8e',
  };
}

export type ProblemStatus = keyof typeof PROBLEMS;

/** A status with what this route says about it: its own description, and fields of the example it writes. */
export interface RouteProblem {
  status: ProblemStatus;
  description?: string;
  example?: Record<string, unknown>;
  headers?: ApiResponseOptions['headers'];
}

/**
 * Documents the error responses an operation can return, each as `application/problem+json` with the shared
 * schema and a realistic example: `@ApiProblems(401, 403, 404, 422)`. A route whose answer says more passes
 * `{ status, description, example, headers }` (the example fields override the shared ones). The decorator applied
 * last (written highest) wins a status's content, so a route's own word on a code `@Authenticated` or `@BodyLimit`
 * also documents sits above them.
 */
export function ApiProblems(...statuses: (ProblemStatus | RouteProblem)[]) {
  return applyDecorators(
    ApiExtraModels(ErrorResponse),
    ...statuses.map((entry) => {
      const { status, description, example: extra, headers } = typeof entry === 'number' ? ({ status: entry } as RouteProblem) : entry;
      return ApiResponse({
        status,
        description: description ?? PROBLEMS[status].description,
        ...(headers && { headers }),
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ErrorResponse) }, example: { ...example(status), ...extra } } },
      });
    }),
  );
}
