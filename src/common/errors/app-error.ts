/**
 * Stable, snake_case error codes and the HTTP status each maps to. Modules add their codes here so
 * one filter can render every error; `validation_failed` takes the route's dialect status (400 or 422).
 */
export const ERROR_STATUS = {
  validation_failed: 422,
  bad_request: 400,
  malformed_json: 400,
  idempotency_key_required: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_key_reused: 409,
  idempotency_request_in_progress: 409,
  duplicate_event: 409,
  duplicate_batch: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  service_unavailable: 503,
  internal_error: 500,
  // oauth (RFC 6749 §5.2 codes)
  invalid_request: 400,
  invalid_client: 401,
  unsupported_grant_type: 400,
  invalid_scope: 400,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Field name → messages (the problem body's `errors`). */
export type FieldErrors = Record<string, string[]>;

export interface AppErrorOptions {
  /** Machine-readable sub-cause, e.g. `bad_signature` on a 401. */
  reason?: string;
  errors?: FieldErrors;
  headers?: Record<string, string>;
  /** Overrides the code's status where a dialect says otherwise (the jobs API: a foreign tenant is 401). */
  status?: number;
}

/** The one exception type domain code throws; the problem filter renders it. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: AppErrorOptions = {},
  ) {
    super(message);
    this.status = options.status ?? ERROR_STATUS[code];
  }

  static notFound(what = 'Resource'): AppError {
    return new AppError('not_found', `${what} not found`);
  }

  static validation(errors: FieldErrors, message = 'The request is invalid'): AppError {
    return new AppError('validation_failed', message, { errors });
  }
}
