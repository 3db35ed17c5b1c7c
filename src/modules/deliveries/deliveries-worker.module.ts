import { Module } from '@nestjs/common';
import { MetricsModule } from '../../common/metrics/metrics.module';
import { OutboundHttpModule } from '../../common/outbound/safe-http';
import { RedisModule } from '../../common/redis/redis.module';
import { PeriodicTasksModule } from '../../common/scheduling/periodic-tasks';
import { DeliveriesModule } from './deliveries.module';
import { DeliveriesProcessor } from './deliveries.processor';
import { DeliveryAttemptRunner } from './delivery-attempt.runner';
import { InFlightLimiter } from './in-flight';
import { ReconcilerScheduler } from './reconciler.scheduler';

/** Loaded only when APP_ROLE runs workers: the delivery processor and the reconciler's schedule. */
@Module({
  imports: [DeliveriesModule, MetricsModule, OutboundHttpModule, RedisModule, PeriodicTasksModule],
  providers: [DeliveriesProcessor, DeliveryAttemptRunner, InFlightLimiter, ReconcilerScheduler],
  // Job callbacks: the jobs worker makes a callback's first attempt itself, right after the job's ending commit.
  exports: [DeliveryAttemptRunner],
})
export class DeliveriesWorkerModule {}
