import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { MaintenanceModule } from './maintenance.module';
import { MaintenanceProcessor } from './maintenance.processor';

/** Loaded only when APP_ROLE runs workers. */
@Module({
  imports: [MaintenanceModule, IdempotencyModule],
  providers: [MaintenanceProcessor],
})
export class MaintenanceWorkerModule {}
