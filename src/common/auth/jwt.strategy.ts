import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, SecretOrKeyProvider, Strategy } from 'passport-jwt';
import { AppConfig } from '../../config/app-config';
import { jwtKeyOptions } from './jwt-keys';
import { AppError } from '../errors/app-error';
import { isUuid } from '../http/parse-id.pipe';
import { Principal, Role, ROLES } from './principal';

/** The longest lifetime (exp − iat) a JWT may claim: a stolen token is useful for at most this long. */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 3600;

export interface JwtClaims {
  sub?: string;
  exp?: unknown;
  iat?: unknown;
  tenant_id?: string | null;
  roles?: unknown;
  client_id?: string;
}

/** Claims → principal, or null when the token's claims are not ours (missing sub, unknown role, bad tenant id). */
export function principalFromClaims(claims: JwtClaims): Principal | null {
  if (typeof claims.sub !== 'string' || !claims.sub) return null;
  if (!Array.isArray(claims.roles) || claims.roles.length === 0) return null;
  if (!claims.roles.every((r) => (ROLES as readonly string[]).includes(r))) return null;
  const tenantId = claims.tenant_id ?? null;
  if (tenantId !== null && !isUuid(tenantId)) return null;
  if (tenantId === null && !claims.roles.includes('admin')) return null;
  return {
    kind: claims.client_id ? 'oauth_client' : 'user',
    subject: claims.sub,
    tenantId: tenantId?.toLowerCase() ?? null,
    roles: claims.roles as Role[],
  };
}

/**
 * Why a token's lifetime is refused, or null. A token without `exp` would never expire (jsonwebtoken accepts it),
 * so `exp` is required, and bounded from `iat` (or from now when `iat` is absent).
 */
export function lifetimeProblem(claims: JwtClaims, nowSeconds = Math.floor(Date.now() / 1000)): 'missing_exp' | 'lifetime_too_long' | null {
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return 'missing_exp';
  const from = typeof claims.iat === 'number' ? claims.iat : nowSeconds;
  return claims.exp - from > MAX_TOKEN_LIFETIME_SECONDS ? 'lifetime_too_long' : null;
}

/** The principal of verified claims, or the 401 that says why the token is not acceptable. */
export function principalOrThrow(claims: JwtClaims): Principal {
  const lifetime = lifetimeProblem(claims);
  if (lifetime) throw new AppError('unauthorized', 'Missing or invalid bearer token', { reason: lifetime });
  const principal = principalFromClaims(claims);
  if (!principal) throw new AppError('unauthorized', 'Missing or invalid bearer token', { reason: 'invalid_claims' });
  return principal;
}

/** passport-jwt over the shared key options (HS256 secret or RS256 JWKS). */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: AppConfig) {
    const keys = jwtKeyOptions(config);
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      ignoreExpiration: false,
      ...keys,
      // passport-jwt types the key as string | Buffer but hands it to jsonwebtoken, which takes a KeyObject too.
      secretOrKeyProvider: keys.secretOrKeyProvider as unknown as SecretOrKeyProvider,
    });
  }

  validate(claims: JwtClaims): Principal {
    return principalOrThrow(claims);
  }
}
