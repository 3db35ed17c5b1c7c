import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../../../deliveries/deliveries.module';
import { TenantsModule } from '../../../tenants/tenants.module';
import { FlexEngageController } from './flexengage.controller';
import { FlexEngageService } from './flexengage.service';

/**
 * The flexEngage dialect sits on top of the engine: subscriptions and events (webhooks, re-exported by
 * deliveries), the delivery log and resend (deliveries), brands (tenants). Nothing depends on it.
 */
@Module({
  imports: [DeliveriesModule, TenantsModule],
  controllers: [FlexEngageController],
  providers: [FlexEngageService],
})
export class FlexEngageModule {}
