import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboundHttpModule } from '../../common/outbound/safe-http';
import { QUEUES } from '../../common/queue/queues';
import { RedisModule } from '../../common/redis/redis.module';
import { TenantsModule } from '../tenants/tenants.module';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveriesService } from './deliveries.service';
import { DeliveryUpdates } from './delivery-updates';
import { DeliveryProducer } from './delivery.producer';
import { EchoStreamController } from './echo-stream.controller';
import { EchoStreamService } from './echo-stream.service';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { OneOffDeliveries } from './one-off-deliveries';
import { DeliveryReconciler } from './reconciler';
import { TestPingController } from './test-ping.controller';
import { TestPingService } from './test-ping.service';

/**
 * Deliveries and their attempts: the queue's producer, the delivery log and manual retry, the live stream, test
 * ping, the reconciler and one-off deliveries (job callbacks); sending lives in DeliveriesWorkerModule. The lower layer of outbound webhooks: it
 * imports no other domain module but tenants (API keys of the live stream); webhooks builds on it.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([WebhookDelivery, WebhookDeliveryAttempt]),
    BullModule.registerQueue({ name: QUEUES.deliveries.name }),
    OutboundHttpModule,
    RedisModule,
    TenantsModule,
  ],
  controllers: [DeliveriesController, EchoStreamController, TestPingController],
  providers: [DeliveriesRepository, DeliveriesService, DeliveryProducer, DeliveryUpdates, EchoStreamService, DeliveryReconciler, TestPingService, OneOffDeliveries],
  exports: [DeliveriesRepository, DeliveriesService, DeliveryProducer, DeliveryUpdates, DeliveryReconciler, OneOffDeliveries],
})
export class DeliveriesModule {}
