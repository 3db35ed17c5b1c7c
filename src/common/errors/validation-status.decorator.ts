import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ApiProblems } from './api-problems.decorator';
import { Reflector } from '@nestjs/core';

export const VALIDATION_STATUS = 'validation_status';
export const ERROR_DIALECT = 'error_dialect';
const REQUEST_KEY = Symbol('validationStatus');
const DIALECT_KEY = Symbol('errorDialect');

/**
 * Additions a route family's clients expect on top of the problem body: `flexengage` adds that API's
 * `APIErrorResponse` (`message` as the upper-case reason phrase, `description` as the sentence); `marigold` adds
 * `traceId` (the request id), the Marigold API's "current" error shape (`type`, `title`, `status`, `traceId`,
 * `errors` by field).
 */
export type ErrorDialect = 'flexengage' | 'marigold';

/**
 * The status a route family answers validation errors with: 422 for `/api/*`, `/webhooks/*` and the
 * FlexEngage dialect, 400 for `/jobs`, the relay `/v1/*` routes and the Marigold dialect; and, optionally, its
 * error dialect. Declared on each controller, which also documents that status.
 */
export const ValidationStatus = (status: 400 | 422, dialect?: ErrorDialect) =>
  applyDecorators(SetMetadata(VALIDATION_STATUS, status), ...(dialect ? [SetMetadata(ERROR_DIALECT, dialect)] : []), ApiProblems(status));

type WithStatus = { [REQUEST_KEY]?: number; [DIALECT_KEY]?: ErrorDialect };

/** What the matched route declared (422 when it declared nothing or no route matched). */
export function validationStatusOf(req: object): number {
  return (req as WithStatus)[REQUEST_KEY] ?? 422;
}

/** The matched route's error dialect, if it declared one. */
export function errorDialectOf(req: object): ErrorDialect | undefined {
  return (req as WithStatus)[DIALECT_KEY];
}

/**
 * Records the route's declared validation status on the request before anything can fail: exception filters
 * only see the request, not the handler, for errors thrown by guards and pipes.
 */
@Injectable()
export class ValidationStatusGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    const status = this.reflector.getAllAndOverride<number>(VALIDATION_STATUS, targets);
    const dialect = this.reflector.getAllAndOverride<ErrorDialect>(ERROR_DIALECT, targets);
    const req = context.switchToHttp().getRequest<WithStatus>();
    if (status) req[REQUEST_KEY] = status;
    if (dialect) req[DIALECT_KEY] = dialect;
    return true;
  }
}
