import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QUEUES } from '../../common/queue/queues';
import { RedisModule } from '../../common/redis/redis.module';
import { TenantsModule } from '../tenants/tenants.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { FullSync, FullSyncBatch } from './full-sync.entity';
import { FullSyncRepository } from './full-sync.repository';
import { FullSyncService } from './full-sync.service';
import { InboundEvent } from './inbound-event.entity';
import { ListImport } from './list-import.entity';
import { ListMembership } from './list-membership.entity';
import { MailingList } from './list.entity';
import { ListsController } from './lists.controller';
import { ListsRepository } from './lists.repository';
import { ListsService } from './lists.service';
import { MemberCenterController } from './member-center.controller';
import { MemberCenterGuard } from './member-center.guard';
import { Subscriber } from './subscriber.entity';
import { SubscribersController } from './subscribers.controller';
import { SubscribersRepository } from './subscribers.repository';
import { SubscribersService } from './subscribers.service';
import { SubscriptionEventsService } from './subscription-events.service';
import { SuppressionList } from './suppression-list.service';
import { Suppression } from './suppression.entity';
import { SuppressionsRepository } from './suppressions.repository';

/** Lists, subscribers and memberships fed by Member Center; the tenant's suppression list and list lookups (exported). */
@Module({
  imports: [
    TypeOrmModule.forFeature([MailingList, Subscriber, ListMembership, Suppression, InboundEvent, FullSync, FullSyncBatch, ListImport]),
    BullModule.registerQueue({ name: QUEUES.subscribers.name }),
    RedisModule,
    TenantsModule,
    WebhooksModule,
  ],
  controllers: [MemberCenterController, SubscribersController, ListsController],
  providers: [
    MemberCenterGuard,
    SubscribersRepository,
    SuppressionsRepository,
    FullSyncRepository,
    SubscriptionEventsService,
    FullSyncService,
    SubscribersService,
    SuppressionList,
    ListsService,
    ListsRepository,
  ],
  exports: [SuppressionList, FullSyncService, SubscribersService],
})
export class SubscribersModule {}
