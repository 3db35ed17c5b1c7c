import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { RouteIndex } from '../http/route-index';
import { AppError, ERROR_STATUS, ErrorCode, FieldErrors } from './app-error';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './database-unavailable';
import { buildProblem } from './problem';
import { errorDialectOf, validationStatusOf } from './validation-status.decorator';

interface Resolved {
  status: number;
  code: string;
  detail: string;
  reason?: string;
  errors?: FieldErrors;
  headers?: Record<string, string>;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = Object.fromEntries(
  Object.entries(ERROR_STATUS)
    .reverse()
    .map(([code, status]) => [status, code as ErrorCode]),
);
CODE_BY_STATUS[400] = 'bad_request';
CODE_BY_STATUS[409] = 'conflict';

/**
 * Fastify's own errors (body parsing, limits) reach the filter as HttpExceptions made by Nest from the
 * FastifyError (status and message only); name them by status, and a 400 from the JSON parser by its message.
 */
const PARSER_MESSAGE = /JSON|forbidden prototype property|constructor property|Body cannot be empty/i;

function fromStatus(status: number, message: string): Resolved {
  if (status === 400 && PARSER_MESSAGE.test(message)) {
    return { status, code: 'malformed_json', detail: 'The body is not valid JSON' };
  }
  const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
  return { status, code, detail: status >= 500 ? 'Internal server error' : message };
}

/** The one exception filter: every error leaves as application/problem+json, and a 500 says nothing but its id. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  constructor(private readonly routes: RouteIndex) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (reply.sent || reply.raw.headersSent) return;

    const resolved = this.resolve(exception, req);
    if (resolved.code === 'service_unavailable' && !(exception instanceof AppError)) {
      this.logger.warn({ err: exception, requestId: req.id }, 'database unavailable');
    } else if (resolved.status >= 500) {
      this.logger.error({ err: exception, requestId: req.id }, 'unhandled error');
    }
    const body = buildProblem({
      status: resolved.status,
      code: resolved.code,
      detail: resolved.status >= 500 && resolved.code === 'internal_error' ? 'Internal server error' : resolved.detail,
      instance: req.url?.split('?')[0] ?? '',
      requestId: String(req.id),
      reason: resolved.reason,
      errors: resolved.errors,
      dialect: errorDialectOf(req),
    });
    if (errorDialectOf(req) === 'marigold') body.traceId = body.request_id;
    for (const [k, v] of Object.entries(resolved.headers ?? {})) reply.header(k, v);
    reply.status(resolved.status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
  }

  private resolve(exception: unknown, req: FastifyRequest): Resolved {
    if (exception instanceof AppError) {
      const status =
        exception.code === 'validation_failed' && !exception.options.status ? validationStatusOf(req) : exception.status;
      return {
        status,
        code: exception.code,
        detail: exception.message,
        reason: exception.options.reason,
        errors: exception.options.errors,
        headers: exception.options.headers,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Fastify matched no route (Nest's not-found handler): 404, or 405 when the path exists for other methods.
      if (status === 404 && !req.routeOptions?.url) return this.unmatchedRoute(req);
      const response = exception.getResponse();
      const detail =
        typeof response === 'object' && response && 'message' in response && typeof response.message === 'string'
          ? response.message
          : exception.message;
      return fromStatus(status, detail);
    }
    // A row that references a missing one (e.g. a platform admin acting in a tenant named by X-Tenant-Id that does
    // not exist) names nothing: 404, like any unknown resource, rather than a 500.
    if ((exception as { code?: unknown; driverError?: unknown }).code === '23503' && (exception as { driverError?: unknown }).driverError) {
      return { status: 404, code: 'not_found', detail: 'A resource this request refers to does not exist', reason: 'referenced_resource_missing' };
    }
    const statusCode = (exception as { statusCode?: unknown }).statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return fromStatus(statusCode, (exception as Error).message ?? '');
    }
    // Postgres down or restarting: the client should come back shortly, not report a bug.
    if (isDatabaseUnavailable(exception)) {
      return {
        status: 503,
        code: 'service_unavailable',
        detail: 'The database is unavailable; retry shortly',
        headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
      };
    }
    return { status: 500, code: 'internal_error', detail: 'Internal server error' };
  }

  private unmatchedRoute(req: FastifyRequest): Resolved {
    const allowed = this.routes.allowedMethods(req.url);
    if (allowed.length > 0 && !allowed.includes(req.method)) {
      return {
        status: 405,
        code: 'method_not_allowed',
        detail: `${req.method} is not allowed here`,
        headers: { Allow: allowed.join(', ') },
      };
    }
    return { status: 404, code: 'not_found', detail: 'No such route' };
  }
}
