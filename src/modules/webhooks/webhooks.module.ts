import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { OutboundHttpModule } from '../../common/outbound/safe-http';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { TenantsModule } from '../tenants/tenants.module';
import { FlexEngageController } from './dialects/flexengage/flexengage.controller';
import { FlexEngageService } from './dialects/flexengage/flexengage.service';
import { MarigoldController } from './dialects/marigold/marigold.controller';
import { MarigoldService } from './dialects/marigold/marigold.service';
import { EventsController } from './dialects/relay/events.controller';
import { SubscriptionsController } from './dialects/relay/subscriptions.controller';
import { EngineEvents } from './engine-events';
import { WebhookEvent } from './entities/webhook-event.entity';
import { WebhookSubscription } from './entities/webhook-subscription.entity';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { EventFanOut } from './fan-out';
import { SubscriptionSecrets } from './subscription-secrets';
import { SubscriptionsRepository } from './subscriptions.repository';
import { SubscriptionsService } from './subscriptions.service';

/**
 * What a tenant configures and publishes: subscriptions and their secrets, events, and the fan-out that turns an
 * event into delivery rows. Owns `webhook_subscriptions` and `webhook_events`; builds on DeliveriesModule, which
 * owns the delivery rows and sends them. Other modules publish engine events through `EngineEvents`. The API
 * dialects (relay, flexEngage, Marigold) are controllers over these services.
 */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookSubscription, WebhookEvent]), DeliveriesModule, TenantsModule, IdempotencyModule, OutboundHttpModule],
  controllers: [SubscriptionsController, EventsController, FlexEngageController, MarigoldController],
  providers: [
    SubscriptionsRepository, EventsRepository, SubscriptionsService, EventsService, SubscriptionSecrets, EventFanOut, EngineEvents,
    FlexEngageService, MarigoldService,
  ],
  exports: [EngineEvents],
})
export class WebhooksModule {}
