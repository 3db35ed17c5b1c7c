import { Injectable } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { JwtPayload, verify } from 'jsonwebtoken';
import { AppConfig } from '../../config/app-config';
import { AppError } from '../errors/app-error';
import { jwtKeyOptions, JwtKeyOptions } from './jwt-keys';
import { JwtClaims, principalOrThrow } from './jwt.strategy';
import { Principal } from './principal';

/** Verifies a JWT outside a Nest route (Bull Board, /metrics) with the same keys and claims as the strategy. */
@Injectable()
export class JwtVerifier {
  private readonly options: JwtKeyOptions;

  constructor(config: AppConfig) {
    this.options = jwtKeyOptions(config);
  }

  async verify(token: string): Promise<Principal> {
    const key = await new Promise<string | Buffer | KeyObject>((resolve, reject) =>
      this.options.secretOrKeyProvider(null, token, (err, k) => (err || !k ? reject(err ?? new Error('no key')) : resolve(k))),
    ).catch(() => null);
    let claims: JwtPayload | string;
    try {
      if (!key) throw new Error('no key');
      claims = verify(token, key, { algorithms: this.options.algorithms, issuer: this.options.issuer, audience: this.options.audience });
    } catch {
      throw new AppError('unauthorized', 'Missing or invalid bearer token', { reason: 'invalid_token' });
    }
    if (typeof claims !== 'object') throw new AppError('unauthorized', 'Missing or invalid bearer token', { reason: 'invalid_claims' });
    return principalOrThrow(claims as JwtClaims);
  }

  async requireAdmin(token: string): Promise<Principal> {
    const principal = await this.verify(token);
    if (!principal.roles.includes('admin')) throw new AppError('forbidden', 'Platform admins only', { reason: 'insufficient_role' });
    return principal;
  }
}
