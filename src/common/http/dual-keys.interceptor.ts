import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { AppError } from '../errors/app-error';
import { toSnakeKeys } from './dual-keys';

/** Folds camelCase body keys into snake_case before validation (interceptors run before pipes). */
@Injectable()
export class DualKeysInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (req.body && typeof req.body === 'object' && !Array.isArray(req.body)) {
      const { value, errors } = toSnakeKeys(req.body as Record<string, unknown>);
      if (Object.keys(errors).length) throw AppError.validation(errors);
      req.body = value;
    }
    return next.handle();
  }
}

export const AcceptsDualKeys = () => UseInterceptors(DualKeysInterceptor);
