import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { JwtVerifier } from '../auth/jwt-verifier';
import { safeEqual } from '../crypto/secrets';
import { AppError } from '../errors/app-error';

/** /metrics answers Prometheus' METRICS_TOKEN or a platform admin's JWT, nobody else. */
@Injectable()
export class MetricsAccess {
  constructor(
    private readonly config: AppConfig,
    private readonly jwt: JwtVerifier,
  ) {}

  async check(authorization: string | undefined): Promise<void> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new AppError('unauthorized', 'Bearer token required', { reason: 'missing_token' });
    if (this.config.METRICS_TOKEN && safeEqual(token, this.config.METRICS_TOKEN)) return;
    await this.jwt.requireAdmin(token);
  }
}
