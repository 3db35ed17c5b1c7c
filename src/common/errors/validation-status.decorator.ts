import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

export const VALIDATION_STATUS = 'validation_status';
const REQUEST_KEY = Symbol('validationStatus');

/**
 * The status a route family answers validation errors with: 422 for `/api/*`, `/webhooks/*` and the
 * FlexEngage dialect, 400 for `/jobs` and the relay `/v1/*` routes. Declared on each controller.
 */
export const ValidationStatus = (status: 400 | 422) => SetMetadata(VALIDATION_STATUS, status);

type WithStatus = { [REQUEST_KEY]?: number };

/** What the matched route declared (422 when it declared nothing or no route matched). */
export function validationStatusOf(req: object): number {
  return (req as WithStatus)[REQUEST_KEY] ?? 422;
}

/**
 * Records the route's declared validation status on the request before anything can fail: exception filters
 * only see the request, not the handler, for errors thrown by guards and pipes.
 */
@Injectable()
export class ValidationStatusGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const status = this.reflector.getAllAndOverride<number>(VALIDATION_STATUS, [context.getHandler(), context.getClass()]);
    if (status) (context.switchToHttp().getRequest<WithStatus>())[REQUEST_KEY] = status;
    return true;
  }
}
