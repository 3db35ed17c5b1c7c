import { Injectable } from '@nestjs/common';
import { sign } from 'jsonwebtoken';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../config/app-config';
import { AppError } from '../errors/app-error';
import { Role } from './principal';

export interface TokenRequest {
  subject: string;
  tenantId: string | null;
  roles: Role[];
  ttlSeconds: number;
  extra?: Record<string, unknown>;
}

/** Signs HS256 tokens that the JWT strategy accepts (OAuth client credentials, `npm run token`). */
export function signToken(secret: string, req: TokenRequest, opts: { issuer?: string; audience?: string } = {}): string {
  return sign({ tenant_id: req.tenantId, roles: req.roles, ...req.extra }, secret, {
    algorithm: 'HS256',
    subject: req.subject,
    expiresIn: req.ttlSeconds,
    jwtid: uuidv7(),
    ...(opts.issuer ? { issuer: opts.issuer } : {}),
    ...(opts.audience ? { audience: opts.audience } : {}),
  });
}

@Injectable()
export class TokenIssuer {
  constructor(private readonly config: AppConfig) {}

  issue(req: TokenRequest): string {
    if (!this.config.JWT_SECRET) {
      throw new AppError('service_unavailable', 'Token issuing needs JWT_SECRET (this deployment verifies JWKS tokens only)');
    }
    return signToken(this.config.JWT_SECRET, req, { issuer: this.config.JWT_ISSUER, audience: this.config.JWT_AUDIENCE });
  }
}
