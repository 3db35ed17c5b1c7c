import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RedisService } from '../../common/redis/redis.module';
import { DeliveryReconciler, RECONCILE_INTERVAL_MS } from './reconciler';

/**
 * Runs the reconciler at boot and every interval in worker processes. A Redis lock (SET NX PX) lets one process
 * run each pass; a timer (not a Bull repeatable job) so a Redis wipe cannot unschedule the thing that repairs it.
 */
@Injectable()
export class ReconcilerScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcilerScheduler.name);
  private timer?: NodeJS.Timeout;
  private readonly token = randomUUID();

  constructor(
    private readonly reconciler: DeliveryReconciler,
    private readonly redis: RedisService,
  ) {}

  onApplicationBootstrap(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    try {
      const lock = await this.redis.client.set(this.redis.key('webhook-reconciler-lock'), this.token, 'PX', RECONCILE_INTERVAL_MS - 1000, 'NX');
      if (lock !== 'OK') return;
      const n = await this.reconciler.run();
      if (n) this.logger.log(`reconciler re-enqueued ${n} due deliveries`);
    } catch (e) {
      this.logger.warn(`reconciler pass failed: ${(e as Error).message}`);
    }
  }
}
