import { Module } from '@nestjs/common';
import { MetricsModule } from '../../common/metrics/metrics.module';
import { RedisModule } from '../../common/redis/redis.module';
import { PeriodicTasksModule } from '../../common/scheduling/periodic-tasks';
import { TenantsModule } from '../tenants/tenants.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { mailTransportProvider } from './mail/mail-transport.provider';
import { SendJobLifecycle } from './sending/send-job-lifecycle';
import { SendJobRunner } from './sending/send-job-runner';
import { SendJobsProcessor } from './sending/send-jobs.processor';
import { SendJobsScheduler } from './sending/send-jobs.scheduler';
import { SendRateLimiter } from './sending/send-rate-limiter';
import { WorkerIdentity } from './sending/worker-identity';
import { SendJobsModule } from './send-jobs.module';

/** The sending side: processors, scheduler, transport, rate limiter. Loaded only when APP_ROLE runs workers. */
@Module({
  imports: [SendJobsModule, WebhooksModule, RedisModule, PeriodicTasksModule, MetricsModule, TenantsModule],
  providers: [
    mailTransportProvider,
    SendRateLimiter,
    WorkerIdentity,
    SendJobLifecycle,
    SendJobRunner,
    SendJobsProcessor,
    SendJobsScheduler,
  ],
})
export class SendJobsWorkerModule {}
