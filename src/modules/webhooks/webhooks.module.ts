import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { OutboundHttpModule } from '../../common/outbound/safe-http';
import { QUEUES } from '../../common/queue/queues';
import { DeliveryProducer } from '../deliveries/delivery.producer';
import { EngineEvents } from './engine-events';
import { WebhookDeliveryAttempt } from '../deliveries/entities/webhook-delivery-attempt.entity';
import { WebhookDelivery } from '../deliveries/entities/webhook-delivery.entity';
import { WebhookEvent } from './entities/webhook-event.entity';
import { WebhookSubscription } from './entities/webhook-subscription.entity';
import { EventsController } from './dialects/relay/events.controller';
import { EventsService } from './events.service';
import { EventFanOut } from './fan-out';
import { SubscriptionSecrets } from './subscription-secrets';
import { SubscriptionsController } from './dialects/relay/subscriptions.controller';
import { SubscriptionsService } from './subscriptions.service';

const ENTITIES = [WebhookSubscription, WebhookEvent, WebhookDelivery, WebhookDeliveryAttempt];

/**
 * Subscriptions, events and the fan-out that turns an event into delivery rows (+ the producer of delivery
 * jobs). Owns the four tables; the deliveries module sends, retries and lists them.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(ENTITIES),
    BullModule.registerQueue({ name: QUEUES.deliveries.name }),
    IdempotencyModule,
    OutboundHttpModule,
  ],
  controllers: [SubscriptionsController, EventsController],
  providers: [SubscriptionsService, EventsService, EventFanOut, EngineEvents, DeliveryProducer, SubscriptionSecrets],
  exports: [EngineEvents, EventFanOut, DeliveryProducer, SubscriptionSecrets, SubscriptionsService, TypeOrmModule, BullModule, OutboundHttpModule],
})
export class WebhooksModule {}
