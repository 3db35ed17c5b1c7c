import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { reserveSlots, untilSlot } from '../../common/rate-limit/slots';
import { RedisService } from '../../common/redis/redis.module';
import { AppConfig } from '../../config/app-config';
import { DeliveriesService } from '../deliveries/deliveries.service';
import { TenantsService } from '../tenants/tenants.service';
import { DeadLetterRecovery } from './dead-letter-recovery.entity';
import { recoverWindow } from './recover-window';
import { RecoverDeadLettersDto, RecoveryResponse } from './recover.dto';
import { RecoverProducer } from './recover.producer';
import { RecoverRepository } from './recover.repository';

type Scope = Pick<DeadLetterRecovery, 'tenantId' | 'subscriptionId' | 'since' | 'until'>;

/**
 * Bulk recover: replay every dead letter of a window, paced by the tenant's replays-per-second cap (GCRA slots in
 * Redis, shared by every worker and every request of the tenant) so a recovering endpoint is not flattened.
 */
@Injectable()
export class RecoverService {
  constructor(
    private readonly rows: RecoverRepository,
    private readonly deliveries: DeliveriesService,
    private readonly tenants: TenantsService,
    private readonly producer: RecoverProducer,
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  async create(tenantId: string, dto: RecoverDeadLettersDto): Promise<RecoveryResponse> {
    const window = recoverWindow(dto.since, dto.until, new Date());
    if (!window.ok) throw new AppError('validation_failed', 'The request is invalid', { errors: window.errors });
    const scope: Scope = { tenantId, subscriptionId: dto.subscription_id?.toLowerCase() ?? null, since: window.since, until: window.until };
    const total = await this.deliveries.countDeadIn(tenantId, scope);
    const dryRun = dto.dry_run ?? false;
    const row = await this.rows.insert({ ...scope, dryRun, total, status: dryRun || total === 0 ? 'completed' : 'queued', finishedAt: dryRun || total === 0 ? new Date() : null });
    // If Redis is down the row stays queued and the next worker boot enqueues it.
    if (row.status === 'queued') await this.producer.enqueue(row.id).catch(() => undefined);
    return this.toResponse(row, await this.ratePerSecond(tenantId));
  }

  async get(tenantId: string, id: string): Promise<RecoveryResponse> {
    const row = await this.rows.find(tenantId, id);
    if (!row) throw AppError.notFound('Recover request');
    return this.toResponse(row, await this.ratePerSecond(tenantId));
  }

  /** Worker side: replays what is left after the row's cursor, one paced slot each, recording progress per replay. */
  async run(id: string): Promise<void> {
    const row = await this.rows.findById(id);
    if (!row || row.status === 'completed' || row.status === 'failed') return;
    await this.rows.setStatus(id, 'running');
    const rate = await this.ratePerSecond(row.tenantId);
    let cursor = row.cursorId;
    for (;;) {
      const batch = await this.deliveries.nextDeadIn(row.tenantId, row, cursor, Math.min(rate, 500));
      if (!batch.length) break;
      const reservedAt = Date.now();
      const slots = await reserveSlots(this.redis, 'replay-rate', row.tenantId, rate, batch.length);
      for (const [i, delivery] of batch.entries()) {
        await untilSlot(reservedAt, slots[i]);
        await this.deliveries.resend(delivery);
        await this.rows.advance(id, delivery.id);
        cursor = delivery.id;
      }
    }
    await this.rows.setStatus(id, 'completed');
  }

  /** Open requests, for the worker to enqueue again at boot. */
  openIds(): Promise<string[]> {
    return this.rows.openIds();
  }

  async ratePerSecond(tenantId: string): Promise<number> {
    const tenant = await this.tenants.require(tenantId);
    return tenant.settings.replay_rate_per_second ?? this.config.DEAD_LETTER_REPLAY_RATE_PER_SECOND;
  }

  private toResponse(row: DeadLetterRecovery, rate: number): RecoveryResponse {
    return {
      id: row.id,
      status: row.status,
      total: row.total,
      replayed: row.replayed,
      dry_run: row.dryRun,
      subscription_id: row.subscriptionId,
      since: row.since.toISOString(),
      until: row.until.toISOString(),
      rate_per_second: rate,
      created_at: row.createdAt.toISOString(),
      finished_at: row.finishedAt?.toISOString() ?? null,
    };
  }
}
