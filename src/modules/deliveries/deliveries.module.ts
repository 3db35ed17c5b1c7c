import { Module } from '@nestjs/common';
import { RedisModule } from '../../common/redis/redis.module';
import { TenantsModule } from '../tenants/tenants.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';
import { DeliveryUpdates } from './delivery-updates';
import { EchoStreamController } from './echo-stream.controller';
import { EchoStreamService } from './echo-stream.service';
import { DeliveryReconciler } from './reconciler';
import { TestPingController } from './test-ping.controller';
import { TestPingService } from './test-ping.service';

/** Delivery log, manual retry, the live stream and the reconciler; sending lives in DeliveriesWorkerModule. */
@Module({
  imports: [WebhooksModule, TenantsModule, RedisModule],
  controllers: [DeliveriesController, EchoStreamController, TestPingController],
  providers: [DeliveriesService, DeliveryUpdates, EchoStreamService, DeliveryReconciler, TestPingService],
  exports: [DeliveriesService, DeliveryUpdates, DeliveryReconciler, WebhooksModule, RedisModule],
})
export class DeliveriesModule {}
