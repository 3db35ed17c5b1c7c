import { Module } from '@nestjs/common';
import { MetricsModule } from '../../common/metrics/metrics.module';
import { RedisModule } from '../../common/redis/redis.module';
import { PeriodicTasksModule } from '../../common/scheduling/periodic-tasks';
import { DeliveriesWorkerModule } from '../deliveries/deliveries-worker.module';
import { SubscribersModule } from '../subscribers/subscribers.module';
import { TenantsModule } from '../tenants/tenants.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { CallbackFirstAttempts } from './jobs/callback-first-attempts';
import { JobRunner } from './jobs/job-runner';
import { JobsProcessor } from './jobs/jobs.processor';
import { JobsScheduler } from './jobs/jobs.scheduler';
import { mailTransportProvider } from './mail/mail-transport.provider';
import { SendJobLifecycle } from './sending/send-job-lifecycle';
import { SendJobRunner } from './sending/send-job-runner';
import { SendJobsProcessor } from './sending/send-jobs.processor';
import { SendJobsScheduler } from './sending/send-jobs.scheduler';
import { SendRateLimiter } from './sending/send-rate-limiter';
import { WorkerIdentity } from './sending/worker-identity';
import { SendJobsModule } from './send-jobs.module';

/**
 * The sending side of campaigns and single jobs: processors, schedulers, transport, rate limiter. Loaded only
 * when APP_ROLE runs workers.
 */
@Module({
  imports: [SendJobsModule, WebhooksModule, DeliveriesWorkerModule, SubscribersModule, RedisModule, PeriodicTasksModule, MetricsModule, TenantsModule],
  providers: [
    mailTransportProvider,
    SendRateLimiter,
    WorkerIdentity,
    SendJobLifecycle,
    SendJobRunner,
    SendJobsProcessor,
    SendJobsScheduler,
    CallbackFirstAttempts,
    JobRunner,
    JobsProcessor,
    JobsScheduler,
  ],
})
export class SendJobsWorkerModule {}
