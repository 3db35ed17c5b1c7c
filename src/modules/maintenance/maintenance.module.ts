import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { QUEUES } from '../../common/queue/queues';

@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.maintenance.name }), IdempotencyModule],
  exports: [BullModule],
})
export class MaintenanceModule {}
