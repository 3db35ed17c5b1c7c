import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { QUEUES } from '../../common/queue/queues';
import { RedisModule } from '../../common/redis/redis.module';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { TenantsModule } from '../tenants/tenants.module';
import { DeadLetterRecovery } from './dead-letter-recovery.entity';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersService } from './dead-letters.service';
import { RecoverController } from './recover.controller';
import { RecoverProducer } from './recover.producer';
import { RecoverRepository } from './recover.repository';
import { RecoverService } from './recover.service';

@Module({
  imports: [
    DeliveriesModule,
    TenantsModule,
    IdempotencyModule,
    RedisModule,
    TypeOrmModule.forFeature([DeadLetterRecovery]),
    BullModule.registerQueue({ name: QUEUES.deadLetterRecoveries.name }),
  ],
  // RecoverController first: `recover` must not be read as a dead letter id.
  controllers: [RecoverController, DeadLettersController],
  providers: [DeadLettersService, RecoverService, RecoverRepository, RecoverProducer],
  exports: [RecoverService, RecoverProducer],
})
export class DeadLettersModule {}
