import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';

const TTL_MS = 10_000;

/** Tenant settings that are a per-minute quota, each with its platform default. */
export type PerMinuteSetting = 'rate_limit_per_minute' | 'jobs_per_minute';

/**
 * Per-tenant per-minute limits: the tenant's setting, else the env default (`rate_limit_per_minute` →
 * RATE_LIMIT_PER_MINUTE, `jobs_per_minute` → JOBS_PER_MINUTE). Cached for 10 s per process so the hot path does
 * not read Postgres on every request; a change applies within that time.
 */
@Injectable()
export class TenantLimits {
  private readonly cache = new Map<string, { value: Record<PerMinuteSetting, number | null>; until: number }>();

  constructor(
    private readonly config: AppConfig,
    private readonly db: DataSource,
  ) {}

  async perMinute(tenantId: string, setting: PerMinuteSetting): Promise<number> {
    const defaults: Record<PerMinuteSetting, number> = {
      rate_limit_per_minute: this.config.RATE_LIMIT_PER_MINUTE,
      jobs_per_minute: this.config.JOBS_PER_MINUTE,
    };
    return (await this.settings(tenantId))[setting] ?? defaults[setting];
  }

  private async settings(tenantId: string): Promise<Record<PerMinuteSetting, number | null>> {
    const hit = this.cache.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.value;
    const rows: Record<PerMinuteSetting, number | null>[] = await this.db.query(
      `SELECT (settings->>'rate_limit_per_minute')::int AS rate_limit_per_minute, (settings->>'jobs_per_minute')::int AS jobs_per_minute
       FROM tenants WHERE id = $1`,
      [tenantId],
    );
    const value = rows[0] ?? { rate_limit_per_minute: null, jobs_per_minute: null };
    this.cache.set(tenantId, { value, until: Date.now() + TTL_MS });
    return value;
  }
}
