import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportGuard } from '@nestjs/passport';
import { FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config';
import { AppError } from '../errors/app-error';
import { isUuid } from '../http/parse-id.pipe';
import { AUTH_METADATA, AuthRequirement } from './auth.decorators';
import { ConsoleSessionRevocations } from './console-session-revocations';
import { API_KEY_PATTERN, ApiKeyResolver } from './credential-resolver';
import { hasRole, Principal } from './principal';
import { CSRF_HEADER, hasSessionCookie, sessionPrincipal, sessionRevoked } from './session-cookie';

const DEFAULT_REQUIREMENT: AuthRequirement = { kind: 'principal', role: 'viewer', apiKey: false };

type AuthedRequest = FastifyRequest & { principal?: Principal; user?: Principal };

/** jsonwebtoken's failure → the 401 reason a client can act on. */
function reasonOf(info: unknown): string {
  const name = (info as { name?: string; message?: string } | undefined)?.name;
  const message = (info as { message?: string } | undefined)?.message ?? '';
  if (name === 'TokenExpiredError') return 'token_expired';
  if (name === 'NotBeforeError') return 'token_not_yet_valid';
  if (message.includes('No auth token')) return 'missing_token';
  if (message.includes('issuer')) return 'invalid_issuer';
  if (message.includes('audience')) return 'invalid_audience';
  return 'invalid_token';
}

/**
 * The global guard. Every route requires a principal unless it is marked `@Public` or `@SignedBy` (whose own
 * guard then runs). 401 when the credential is missing or invalid, 403 when it lacks the role. Credentials: a
 * bearer JWT, a `whk_` API key where the route accepts one, or the console session cookie with its CSRF token
 * (a tenant principal like a JWT of the same role; the bearer header wins when both are sent).
 */
@Injectable()
export class AuthGuard extends PassportGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyResolver,
    private readonly config: AppConfig,
    private readonly sessions: ConsoleSessionRevocations,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirement =
      this.reflector.getAllAndOverride<AuthRequirement>(AUTH_METADATA, [context.getHandler(), context.getClass()]) ??
      DEFAULT_REQUIREMENT;
    if (requirement.kind !== 'principal') return true;

    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    let principal: Principal;
    if (token?.startsWith('whk_')) {
      if (!requirement.apiKey) throw new AppError('unauthorized', 'API keys are not accepted here', { reason: 'api_key_not_accepted' });
      const resolved = API_KEY_PATTERN.test(token) ? await this.apiKeys.resolve(token) : null;
      if (!resolved) throw new AppError('unauthorized', 'Invalid API key', { reason: 'invalid_api_key' });
      principal = resolved;
    } else if (!req.headers.authorization && hasSessionCookie(req.headers.cookie)) {
      // The console's session cookie, only together with its CSRF token (see session-cookie.ts).
      const csrf = req.headers[CSRF_HEADER];
      const opened = sessionPrincipal(this.config.encryptionKey, req.headers.cookie, typeof csrf === 'string' ? csrf : undefined);
      if (await this.sessions.isRevoked(opened.session.sid)) throw sessionRevoked();
      principal = opened.principal;
    } else {
      await super.canActivate(context);
      principal = req.user as Principal;
    }

    if (!hasRole(principal, requirement.role)) {
      throw new AppError('forbidden', `This route needs the ${requirement.role} role`, { reason: 'insufficient_role' });
    }
    req.principal = this.actingTenant(principal, req);
    return true;
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    if (err instanceof AppError) throw err; // the strategy's own verdict on the claims (e.g. missing_exp)
    if (err || !user) {
      throw new AppError('unauthorized', 'Missing or invalid bearer token', { reason: user === false && !info ? 'invalid_claims' : reasonOf(info) });
    }
    return user;
  }

  /** A platform admin may act inside any tenant by naming it in `X-Tenant-Id`. */
  private actingTenant(principal: Principal, req: FastifyRequest): Principal {
    const header = req.headers['x-tenant-id'];
    if (typeof header !== 'string' || !principal.roles.includes('admin')) return principal;
    if (!isUuid(header)) throw new AppError('bad_request', 'X-Tenant-Id must be a UUID');
    return { ...principal, tenantId: header.toLowerCase() };
  }
}
