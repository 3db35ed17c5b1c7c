import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { QUEUES } from '../../common/queue/queues';
import { SubscribersModule } from '../subscribers/subscribers.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
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

@Module({
  imports: [
    TypeOrmModule.forFeature([SendJob, SendJobMessage]),
    BullModule.registerQueue({ name: QUEUES.sendJobs.name }),
    IdempotencyModule,
    WebhooksModule,
    SubscribersModule,
  ],
  controllers: [SendJobsController, UnsubscribeController],
  providers: [
    SendJobsService,
    SendJobsProducer,
    SendJobsRepository,
    SendJobMessagesRepository,
    UnsubscribeService,
    { provide: SentMessages, useClass: SendJobSentMessages },
  ],
  exports: [SendJobsProducer, SendJobsRepository, SendJobMessagesRepository, SentMessages],
})
export class SendJobsModule {}
