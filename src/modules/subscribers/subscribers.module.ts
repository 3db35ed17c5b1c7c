import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FullSync, FullSyncBatch } from './full-sync.entity';
import { InboundEvent } from './inbound-event.entity';
import { ListMembership } from './list-membership.entity';
import { MailingList } from './list.entity';
import { Subscriber } from './subscriber.entity';
import { Suppression } from './suppression.entity';

@Module({
  imports: [TypeOrmModule.forFeature([MailingList, Subscriber, ListMembership, Suppression, InboundEvent, FullSync, FullSyncBatch])],
})
export class SubscribersModule {}
