import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { QUEUES } from '../../common/queue/queues';
import { MaintenanceProducer } from './maintenance.producer';

@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.maintenance.name }), IdempotencyModule],
  providers: [MaintenanceProducer],
  exports: [BullModule],
})
export class MaintenanceModule {}
