import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { OutboundHttpModule } from '../../common/outbound/safe-http';
import { QUEUES } from '../../common/queue/queues';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { SubscribersModule } from '../subscribers/subscribers.module';
import { TenantsModule } from '../tenants/tenants.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { Job } from './jobs/job.entity';
import { JobCompletion } from './jobs/job-completion';
import { JobSentMessages } from './jobs/job-sent-messages';
import { JobsController } from './jobs/jobs.controller';
import { JobsProducer } from './jobs/jobs.producer';
import { JobsReconciler } from './jobs/jobs.reconciler';
import { JobsRepository } from './jobs/jobs.repository';
import { JobsService } from './jobs/jobs.service';
import { SendJobMessage } from './send-job-message.entity';
import { SendJobMessagesRepository } from './send-job-messages.repository';
import { SendJob } from './send-job.entity';
import { SendJobsController } from './send-jobs.controller';
import { SendJobsProducer } from './send-jobs.producer';
import { SendJobsRepository } from './send-jobs.repository';
import { SendJobsService } from './send-jobs.service';
import { SendJobSentMessages, SentMessages } from './sent-messages';
import { UnsubscribeController } from './unsubscribe/unsubscribe.controller';
import { UnsubscribeService } from './unsubscribe/unsubscribe.service';

/** Campaign send jobs and single jobs (`jobs/`): API, producers, and the SentMessages port SesEvents reports to. */
@Module({
  imports: [
    TypeOrmModule.forFeature([SendJob, SendJobMessage, Job]),
    BullModule.registerQueue({ name: QUEUES.sendJobs.name }, { name: QUEUES.jobs.name }),
    IdempotencyModule,
    OutboundHttpModule,
    WebhooksModule,
    DeliveriesModule,
    SubscribersModule,
    TenantsModule,
  ],
  controllers: [SendJobsController, UnsubscribeController, JobsController],
  providers: [
    SendJobsService,
    SendJobsProducer,
    SendJobsRepository,
    SendJobMessagesRepository,
    UnsubscribeService,
    JobsService,
    JobsRepository,
    JobsProducer,
    JobCompletion,
    JobsReconciler,
    JobSentMessages,
    { provide: SentMessages, useClass: SendJobSentMessages },
  ],
  exports: [SendJobsProducer, SendJobsRepository, SendJobMessagesRepository, SentMessages, JobsRepository, JobsProducer, JobCompletion, JobsReconciler],
})
export class SendJobsModule {}
