import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';

const TTL_MS = 10_000;

/**
 * Per-tenant API limit: the tenant's `rate_limit_per_minute` setting, else RATE_LIMIT_PER_MINUTE. Cached for 10 s
 * per process so the hot path does not read Postgres on every request; a change applies within that time.
 */
@Injectable()
export class TenantLimits {
  private readonly cache = new Map<string, { value: number; until: number }>();

  constructor(
    private readonly config: AppConfig,
    private readonly db: DataSource,
  ) {}

  async requestsPerMinute(tenantId: string): Promise<number> {
    const hit = this.cache.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.value;
    const rows: { v: number | null }[] = await this.db.query(
      `SELECT (settings->>'rate_limit_per_minute')::int AS v FROM tenants WHERE id = $1`,
      [tenantId],
    );
    const value = rows[0]?.v ?? this.config.RATE_LIMIT_PER_MINUTE;
    this.cache.set(tenantId, { value, until: Date.now() + TTL_MS });
    return value;
  }
}
