import { ArgumentsHost, CanActivate, Catch, ExceptionFilter, ExecutionContext, HttpStatus, Injectable, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import { Principal } from '../auth/principal';
import { AppError } from '../errors/app-error';
import { requestFingerprint } from './fingerprint';
import { IdempotencyStore } from './idempotency.store';
import { PendingIdempotency, WithPendingIdempotency } from './pending-idempotency';

export const IDEMPOTENCY_METADATA = 'send_engine:idempotency';
export interface IdempotencyOptions {
  required: boolean;
}

const KEY_FORMAT = /^[\x21-\x7e]+$/;

/** The request's Idempotency-Key (undefined when none was sent); a malformed or missing-but-required key throws. */
export function idempotencyKeyOf(header: string | string[] | undefined, options: IdempotencyOptions): string | undefined {
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined) {
    if (options.required) throw new AppError('idempotency_key_required', 'The Idempotency-Key header is required');
    return undefined;
  }
  if (key.length < 1 || key.length > 255 || !KEY_FORMAT.test(key)) {
    throw AppError.validation({ 'Idempotency-Key': ['must be 1-255 visible ASCII characters'] });
  }
  return key;
}

/** What a finished response does to its claimed key: store it (success), give the key back (failure), or nothing. */
export function settlementOf(pending: PendingIdempotency | undefined, statusCode: number): 'complete' | 'release' | null {
  if (!pending) return null;
  if (statusCode >= 400) return 'release';
  return pending.stored ? null : 'complete';
}

/** The response body as stored JSON text (what is sent is already serialised; no body → NULL). */
export function storedJson(payload: unknown, contentType: unknown): string | null {
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString() : '';
  if (text === '') return null;
  return /[/+]json\b/.test(String(contentType ?? '')) ? text : JSON.stringify(text);
}

/** Thrown by the guard to answer with a stored response; `IdempotentReplayFilter` sends it. */
export class IdempotentReplay {
  constructor(
    readonly statusCode: number,
    readonly body: unknown,
  ) {}
}

/**
 * Same key + same body → the stored response (header `Idempotent-Replayed: true`); same key + other body → 409;
 * a second request while the first runs → 409 `idempotency_request_in_progress`. A guard (the last one) claims the
 * key and `idempotencyOnSend` stores the response or releases the key as it is sent: no interceptor, so a request
 * without a key costs a header lookup, not Nest's per-request rxjs chain.
 */
@Injectable()
export class IdempotencyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly store: IdempotencyStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const options = this.reflector.get<IdempotencyOptions>(IDEMPOTENCY_METADATA, context.getHandler()) ?? { required: false };
    const req = context.switchToHttp().getRequest<FastifyRequest & WithPendingIdempotency & { principal?: Principal }>();
    const key = idempotencyKeyOf(req.headers['idempotency-key'], options);
    if (key === undefined) return true;

    const principal = req.principal;
    const owner = principal?.tenantId ?? principal?.subject ?? 'anonymous';
    const scope = `${req.method} ${req.routeOptions.url ?? req.url}`;
    const fingerprint = requestFingerprint(req.body);
    const statusCode = this.successStatus(context);
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
      throw new IdempotentReplay(statusCode, row.responseBody);
    }
    req.idempotency = { owner, scope, key, statusCode, stored: false };
    return true;
  }

  private successStatus(context: ExecutionContext): number {
    const code = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler());
    if (code) return code;
    const method = this.reflector.get<RequestMethod>(METHOD_METADATA, context.getHandler());
    return method === RequestMethod.POST ? HttpStatus.CREATED : HttpStatus.OK;
  }
}

/** Sends a replayed response as the route would have: its success status, the stored body. */
@Catch(IdempotentReplay)
export class IdempotentReplayFilter implements ExceptionFilter<IdempotentReplay> {
  catch(replay: IdempotentReplay, host: ArgumentsHost): void {
    void host.switchToHttp().getResponse<FastifyReply>().status(replay.statusCode).header('Idempotent-Replayed', 'true').send(replay.body);
  }
}

/**
 * Fastify `onSend` hook: a response to a request that claimed a key is stored under it (success) before it leaves,
 * so a retry right after sees it; a failure releases the key. If storing fails, the key is released and the error
 * answered instead (the request's work may be retried with the same key).
 */
export function idempotencyOnSend(store: IdempotencyStore): onSendHookHandler {
  return (req, reply, payload, done) => {
    const pending = (req as WithPendingIdempotency).idempotency;
    const settlement = settlementOf(pending, reply.statusCode);
    if (!pending || !settlement) return done(null, payload);
    // Settled once: an error answered instead of this response passes here again.
    (req as WithPendingIdempotency).idempotency = undefined;
    const { owner, scope, key } = pending;
    if (settlement === 'release') {
      store.release({ owner, scope, key }).then(() => done(null, payload), done);
      return;
    }
    store.completeJson({ owner, scope, key }, pending.statusCode, storedJson(payload, reply.getHeader('content-type'))).then(
      () => done(null, payload),
      (err: Error) => store.release({ owner, scope, key }).then(() => done(err), () => done(err)),
    );
  };
}
