import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyReply, FastifyRequest } from 'fastify';
import { RouteIndex } from '../http/route-index';
import { AppError, ERROR_STATUS, ErrorCode, FieldErrors } from './app-error';
import { buildProblem } from './problem';
import { VALIDATION_STATUS } from './validation-status.decorator';

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

/** Fastify's own errors (body parsing, limits) carry a status and an FST_ code. */
function fromFastify(err: { statusCode?: number; code?: string; message?: string }): Resolved | undefined {
  if (!err.statusCode || err.statusCode >= 500) return undefined;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'payload_too_large', detail: 'The request body is too large' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'unsupported_media_type', detail: 'Unsupported Content-Type' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'malformed_json', detail: 'The JSON body is empty' };
    default:
      if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        return { status: 400, code: 'malformed_json', detail: 'The body is not valid JSON' };
      }
      return { status: err.statusCode, code: CODE_BY_STATUS[err.statusCode] ?? 'bad_request', detail: 'Bad request' };
  }
}

/** The one exception filter: every error leaves as application/problem+json, and a 500 says nothing but its id. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  constructor(
    private readonly reflector: Reflector,
    private readonly routes: RouteIndex,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (reply.sent || reply.raw.headersSent) return;

    const resolved = this.resolve(exception, host, req);
    if (resolved.status >= 500) {
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
    });
    for (const [k, v] of Object.entries(resolved.headers ?? {})) reply.header(k, v);
    reply.status(resolved.status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
  }

  private resolve(exception: unknown, host: ArgumentsHost, req: FastifyRequest): Resolved {
    if (exception instanceof AppError) {
      const status =
        exception.code === 'validation_failed' && !exception.options.status
          ? this.validationStatus(host)
          : exception.status;
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
      if (status === 404 && !this.hasHandler(host)) return this.unmatchedRoute(req);
      const response = exception.getResponse();
      const detail =
        typeof response === 'object' && response && 'message' in response && typeof response.message === 'string'
          ? response.message
          : exception.message;
      return { status, code: CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request'), detail };
    }
    const fastify = fromFastify(exception as { statusCode?: number });
    if (fastify) return fastify;
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

  private hasHandler(host: ArgumentsHost): boolean {
    const ctx = host as unknown as { getHandler?: () => unknown };
    return typeof ctx.getHandler === 'function' && !!ctx.getHandler();
  }

  private validationStatus(host: ArgumentsHost): number {
    const ctx = host as unknown as { getHandler?: () => () => unknown; getClass?: () => new () => unknown };
    const targets = [ctx.getHandler?.(), ctx.getClass?.()].filter(Boolean) as (() => unknown)[];
    return this.reflector.getAllAndOverride<number>(VALIDATION_STATUS, targets) ?? 422;
  }
}
