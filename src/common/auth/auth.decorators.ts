import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, SetMetadata, Type, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { ApiProblems } from '../errors/api-problems.decorator';
import { AppError } from '../errors/app-error';
import { WellFormedAfterRouteGuards } from '../validation/well-formed';
import { Principal, Role } from './principal';

export const AUTH_METADATA = 'send_engine:auth';

export type AuthRequirement =
  | { kind: 'principal'; role: Role; apiKey: boolean }
  | { kind: 'signature'; guard: string }
  | { kind: 'public'; why: string };

/** Swagger security scheme names (registered in configure-app). */
export const SECURITY = {
  jwt: 'bearerAuth',
  apiKey: 'ApiKeyAuth',
} as const;

/**
 * A route callable with a JWT (and, when `apiKey`, a `whk_…` API key) whose roles include `role`.
 * Sets the guard metadata, the Swagger security and the errors every such route can answer (401 credential,
 * 403 role or tenant, 429 tenant rate limit) together. Routes without any auth decorator still require a valid
 * JWT: the global guard is secure by default.
 */
export function Authenticated(options: { role?: Role; apiKey?: boolean } = {}) {
  const requirement: AuthRequirement = { kind: 'principal', role: options.role ?? 'viewer', apiKey: !!options.apiKey };
  const security = options.apiKey
    ? [ApiBearerAuth(SECURITY.apiKey), ApiBearerAuth(SECURITY.jwt)]
    : [ApiBearerAuth(SECURITY.jwt)];
  return applyDecorators(SetMetadata(AUTH_METADATA, requirement), ...security, ApiProblems(401, 403, 429));
}

/**
 * A route guarded by a request signature instead of a principal; names the guard, its Swagger schemes and the 401.
 * The well-formed input check runs after the signature guard, so an unsigned caller learns nothing about validation.
 */
export function SignedBy(guard: Type<CanActivate>, ...schemes: string[]) {
  const requirement: AuthRequirement = { kind: 'signature', guard: guard.name };
  const security = schemes.length ? [ApiSecurity(Object.fromEntries(schemes.map((s) => [s, []])) as never)] : [];
  return applyDecorators(SetMetadata(AUTH_METADATA, requirement), UseGuards(guard, WellFormedAfterRouteGuards), ...security, ApiProblems(401));
}

/** An unauthenticated route; the reason is required so every exception to "secure by default" is explained. */
export function Public(why: string) {
  const requirement: AuthRequirement = { kind: 'public', why };
  return SetMetadata(AUTH_METADATA, requirement);
}

type WithPrincipal = { principal?: Principal };

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<WithPrincipal>().principal;
  if (!principal) throw new AppError('unauthorized', 'Authentication required');
  return principal;
});

/** The caller's tenant; a platform admin must name one with `X-Tenant-Id`. */
export const TenantId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const principal = ctx.switchToHttp().getRequest<WithPrincipal>().principal;
  if (!principal) throw new AppError('unauthorized', 'Authentication required');
  if (!principal.tenantId) {
    throw new AppError('forbidden', 'This route acts in one tenant: send X-Tenant-Id', { reason: 'tenant_required' });
  }
  return principal.tenantId;
});
