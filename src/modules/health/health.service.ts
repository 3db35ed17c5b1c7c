import { Injectable } from '@nestjs/common';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { AppError } from '../../common/errors/app-error';
import { RedisService } from '../../common/redis/redis.module';
import { version } from '../../../package.json';

const CHECK_TIMEOUT_MS = 1500;

@Injectable()
export class HealthService {
  readonly version = version;

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisService,
  ) {}

  /** 200 when Postgres and Redis both answer; otherwise 503 naming what is down. */
  async ready(): Promise<{ status: 'ok'; checks: Record<string, 'up'> }> {
    const [postgres, redis] = await Promise.all([this.pingPostgres(), this.pingRedis()]);
    const down = [!postgres && 'postgres', !redis && 'redis'].filter(Boolean);
    if (down.length) throw new AppError('service_unavailable', `Not ready: ${down.join(', ')} unreachable`);
    return { status: 'ok', checks: { postgres: 'up', redis: 'up' } };
  }

  private async pingPostgres(): Promise<boolean> {
    try {
      await this.health.check([() => this.db.pingCheck('postgres', { timeout: CHECK_TIMEOUT_MS })]);
      return true;
    } catch {
      return false;
    }
  }

  private async pingRedis(): Promise<boolean> {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS).unref());
    try {
      return (await Promise.race([this.redis.client.ping(), timeout])) === 'PONG';
    } catch {
      return false;
    }
  }
}
