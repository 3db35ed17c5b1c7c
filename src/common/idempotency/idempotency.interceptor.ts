import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { FastifyReply, FastifyRequest } from 'fastify';
import { from, Observable, of, switchMap } from 'rxjs';
import { catchError, tap } from 'rxjs/operators';
import { Principal } from '../auth/principal';
import { AppError } from '../errors/app-error';
import { requestFingerprint } from './fingerprint';
import { IdempotencyStore } from './idempotency.store';
import { PendingIdempotency, WithPendingIdempotency } from './pending-idempotency';

export const IDEMPOTENCY_METADATA = 'send_engine:idempotency';
export interface IdempotencyOptions {
  required: boolean;
}

/**
 * Same key + same body → the stored response (header `Idempotent-Replayed: true`); same key + other body → 409;
 * a second request while the first runs → 409 `idempotency_request_in_progress`. Failed requests release the key.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly store: IdempotencyStore,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const options = this.reflector.get<IdempotencyOptions>(IDEMPOTENCY_METADATA, context.getHandler());
    const req = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const raw = req.headers['idempotency-key'];
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (key === undefined) {
      if (options?.required) throw new AppError('idempotency_key_required', 'The Idempotency-Key header is required');
      return next.handle();
    }
    if (key.length < 1 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
      throw AppError.validation({ 'Idempotency-Key': ['must be 1-255 visible ASCII characters'] });
    }

    const principal = req.principal;
    const owner = principal?.tenantId ?? principal?.subject ?? 'anonymous';
    const scope = `${req.method} ${req.routeOptions.url ?? req.url}`;
    const fingerprint = requestFingerprint(req.body);
    const claim = await this.store.claim({ owner, scope, key, fingerprint });

    if (claim.kind === 'existing') {
      const row = claim.row;
      if (row.fingerprint !== fingerprint) {
        throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used with a different request body');
      }
      if (row.state !== 'completed') {
        throw new AppError('idempotency_request_in_progress', 'A request with this Idempotency-Key is in progress', {
          headers: { 'Retry-After': '1' },
        });
      }
      reply.header('Idempotent-Replayed', 'true');
      return of(row.responseBody);
    }

    const pending: PendingIdempotency = { owner, scope, key, statusCode: this.successStatus(context), stored: false };
    (req as WithPendingIdempotency).idempotency = pending;
    return next.handle().pipe(
      // A handler that stored its response with its own work (PendingIdempotency) has nothing left to write.
      switchMap((body) => (pending.stored ? of(body) : from(this.store.complete({ owner, scope, key }, pending.statusCode, body ?? null)).pipe(switchMap(() => of(body))))),
      catchError((err: unknown) =>
        from(this.store.release({ owner, scope, key })).pipe(
          tap(() => {
            throw err;
          }),
        ),
      ),
    );
  }

  private successStatus(context: ExecutionContext): number {
    const code = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler());
    if (code) return code;
    const method = this.reflector.get<RequestMethod>(METHOD_METADATA, context.getHandler());
    return method === RequestMethod.POST ? HttpStatus.CREATED : HttpStatus.OK;
  }
}
