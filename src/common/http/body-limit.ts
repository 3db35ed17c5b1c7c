import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ApiProblems } from '../errors/api-problems.decorator';
import { Reflector } from '@nestjs/core';
import { AppError } from '../errors/app-error';

export const BODY_LIMIT = 'send_engine:body_limit';
/** Fastify's hard ceiling for any body (the largest route limit). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** What a route accepts unless it says otherwise. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** A route's own body size limit (e.g. 256 KB events, several MB full-sync batches), documented as its 413. */
export const BodyLimit = (bytes: number) => applyDecorators(SetMetadata(BODY_LIMIT, bytes), ApiProblems(413));

/** 413 for a body over the route's limit, measured on the raw bytes. */
@Injectable()
export class BodyLimitGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const limit =
      this.reflector.getAllAndOverride<number>(BODY_LIMIT, [context.getHandler(), context.getClass()]) ?? DEFAULT_BODY_LIMIT;
    const raw = context.switchToHttp().getRequest<{ rawBody?: Buffer }>().rawBody;
    if (raw && raw.length > limit) {
      throw new AppError('payload_too_large', `The request body exceeds ${limit} bytes`);
    }
    return true;
  }
}
