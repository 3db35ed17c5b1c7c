import { Module } from '@nestjs/common';
import { MetricsModule } from '../../common/metrics/metrics.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SendJobsModule } from '../send-jobs/send-jobs.module';
import { SubscribersModule } from '../subscribers/subscribers.module';
import { TenantsModule } from '../tenants/tenants.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { SesEventEffects } from './ses-event-effects';
import { SesEvent, SnsReceipt } from './ses-event.entity';
import { SesEventsController, SesWebhookController } from './ses-events.controller';
import { SesEventsReportService } from './ses-events-report.service';
import { SesEventsRepository } from './ses-events.repository';
import { SesEventsService } from './ses-events.service';
import { SesSignatureGuard } from './ses-inbound';
import { CertificateFetcher, HttpCertificateFetcher, SnsCertificates } from './sns-certificates';
import { SnsSubscriptions } from './sns-subscriptions';
import { SnsVerifier } from './sns-verifier';

@Module({
  imports: [TypeOrmModule.forFeature([SesEvent, SnsReceipt]), TenantsModule, SubscribersModule, SendJobsModule, WebhooksModule, MetricsModule],
  controllers: [SesWebhookController, SesEventsController],
  providers: [
    SesEventsService,
    SesEventsRepository,
    SesEventsReportService,
    SesEventEffects,
    SesSignatureGuard,
    SnsVerifier,
    SnsCertificates,
    SnsSubscriptions,
    { provide: CertificateFetcher, useClass: HttpCertificateFetcher },
  ],
})
export class SesEventsModule {}
