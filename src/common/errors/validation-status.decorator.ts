import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorDialect } from './problem';

export const VALIDATION_STATUS = 'validation_status';
const REQUEST_KEY = Symbol('validationStatus');

interface Declared {
  status: number;
  dialect: ErrorDialect;
}

/**
 * The status a route family answers validation errors with: 422 for `/api/*`, `/webhooks/*` and seed 002,
 * 400 for `/jobs` and the seed-003 `/v1/*` routes; and the error body dialect it speaks on top of the common
 * problem body (`flexengage`: that API's `APIErrorResponse`). Declared on each controller.
 */
export const ValidationStatus = (status: 400 | 422, dialect: ErrorDialect = 'problem') =>
  SetMetadata(VALIDATION_STATUS, { status, dialect } satisfies Declared);

type WithStatus = { [REQUEST_KEY]?: Declared };

/** What the matched route declared (422 when it declared nothing or no route matched). */
export function validationStatusOf(req: object): number {
  return (req as WithStatus)[REQUEST_KEY]?.status ?? 422;
}

/** The error dialect the matched route declared (the plain problem body when none). */
export function errorDialectOf(req: object): ErrorDialect {
  return (req as WithStatus)[REQUEST_KEY]?.dialect ?? 'problem';
}

/**
 * Records the route's declared validation status on the request before anything can fail: exception filters
 * only see the request, not the handler, for errors thrown by guards and pipes.
 */
@Injectable()
export class ValidationStatusGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const declared = this.reflector.getAllAndOverride<Declared>(VALIDATION_STATUS, [context.getHandler(), context.getClass()]);
    if (declared) (context.switchToHttp().getRequest<WithStatus>())[REQUEST_KEY] = declared;
    return true;
  }
}
