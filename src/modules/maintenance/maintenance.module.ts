import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { QUEUES } from '../../common/queue/queues';

/** The housekeeping queue (its jobs are added once per period by PeriodicJobs; MaintenanceProcessor runs them). */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.maintenance.name }), IdempotencyModule],
})
export class MaintenanceModule {}
