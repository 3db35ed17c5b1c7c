import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { AppError } from '../../common/errors/app-error';
import { RedisService } from '../../common/redis/redis.module';
import { AppConfig } from '../../config/app-config';
import { CredentialsService } from '../tenants/credentials.service';
import { checkSignature, nonceTtlSeconds, requiredHeaders } from './member-center-signature';

/** The verified Member Center client of a request. */
export interface MemberCenterCaller {
  clientId: string;
  tenantIds: string[];
}

type SignedRequest = FastifyRequest & { rawBody?: Buffer; memberCenter?: MemberCenterCaller };

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

const unauthorized = (reason: string, message: string) => new AppError('unauthorized', message, { reason });

/**
 * HMAC check of Member Center webhooks (docs/subscribers.md, "Signing Member Center requests"): 401 with a reason for any failure,
 * 403 for a disabled client, 503 when the nonce store is unreachable (fail closed). The nonce is claimed only
 * after the signature verifies, so unsigned traffic cannot burn a legitimate client's nonces.
 */
@Injectable()
export class MemberCenterGuard implements CanActivate {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<SignedRequest>();
    const h = requiredHeaders({
      clientId: header(req, 'x-client-id'),
      timestamp: header(req, 'x-timestamp'),
      nonce: header(req, 'x-nonce'),
      signature: header(req, 'x-signature'),
    });
    if (!h) throw unauthorized('missing_header', 'X-Client-Id, X-Timestamp, X-Nonce and X-Signature are required');

    const client = await this.credentials.memberCenterCredentials(h.clientId);
    if (!client) throw unauthorized('unknown_client', 'Unknown Member Center client');

    const failure = checkSignature(h, req.rawBody ?? Buffer.alloc(0), client.secrets, Math.floor(Date.now() / 1000), this.config.HMAC_TOLERANCE_SECONDS);
    if (failure) throw unauthorized(failure, 'The request signature is not valid');
    if (!client.enabled) throw new AppError('forbidden', 'This Member Center client is disabled', { reason: 'client_disabled' });

    await this.claimNonce(h.clientId, h.nonce);
    req.memberCenter = { clientId: client.clientId, tenantIds: client.tenantIds };
    return true;
  }

  private async claimNonce(clientId: string, nonce: string): Promise<void> {
    let claimed: string | null;
    try {
      claimed = await this.redis.client.set(this.redis.key('mc_nonce', clientId, nonce), '1', 'EX', nonceTtlSeconds(this.config.HMAC_TOLERANCE_SECONDS), 'NX');
    } catch {
      throw new AppError('service_unavailable', 'Replay protection is unavailable; retry later', { reason: 'nonce_store_unavailable' });
    }
    if (claimed !== 'OK') throw unauthorized('replayed_nonce', 'This nonce was already used');
  }
}

/** The client the guard verified. */
export const CallingClient = createParamDecorator((_: unknown, ctx: ExecutionContext): MemberCenterCaller => {
  const caller = ctx.switchToHttp().getRequest<SignedRequest>().memberCenter;
  if (!caller) throw unauthorized('missing_header', 'Member Center signature required');
  return caller;
});

/** 403 unless the client is bound to the tenant the body names (checked after validation). */
export function assertTenantBound(caller: MemberCenterCaller, tenantId: string): void {
  if (!caller.tenantIds.includes(tenantId.toLowerCase())) {
    throw new AppError('forbidden', 'This client is not bound to that tenant', { reason: 'tenant_not_bound' });
  }
}
