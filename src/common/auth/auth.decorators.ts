import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, SetMetadata, Type, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { AppError } from '../errors/app-error';
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
 * Sets the guard metadata and the Swagger security together. Routes without any auth decorator
 * still require a valid JWT: the global guard is secure by default.
 */
export function Authenticated(options: { role?: Role; apiKey?: boolean } = {}) {
  const requirement: AuthRequirement = { kind: 'principal', role: options.role ?? 'viewer', apiKey: !!options.apiKey };
  const security = options.apiKey
    ? [ApiBearerAuth(SECURITY.apiKey), ApiBearerAuth(SECURITY.jwt)]
    : [ApiBearerAuth(SECURITY.jwt)];
  return applyDecorators(SetMetadata(AUTH_METADATA, requirement), ...security);
}

/** A route guarded by a request signature instead of a principal; names the guard and its Swagger schemes. */
export function SignedBy(guard: Type<CanActivate>, ...schemes: string[]) {
  const requirement: AuthRequirement = { kind: 'signature', guard: guard.name };
  const security = schemes.length ? [ApiSecurity(Object.fromEntries(schemes.map((s) => [s, []])) as never)] : [];
  return applyDecorators(SetMetadata(AUTH_METADATA, requirement), UseGuards(guard), ...security);
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
