import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, SecretOrKeyProvider, Strategy } from 'passport-jwt';
import { AppConfig } from '../../config/app-config';
import { jwtKeyOptions } from './jwt-keys';
import { Principal, Role, ROLES } from './principal';
import { isUuid } from '../http/parse-id.pipe';

export interface JwtClaims {
  sub?: string;
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

  validate(claims: JwtClaims): Principal | false {
    return principalFromClaims(claims) ?? false;
  }
}
