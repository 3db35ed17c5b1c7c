import { Module } from '@nestjs/common';
import { SubscribersModule } from './subscribers.module';
import { SubscribersProcessor } from './subscribers.processor';

/** Loaded only when APP_ROLE runs workers. */
@Module({
  imports: [SubscribersModule],
  providers: [SubscribersProcessor],
})
export class SubscribersWorkerModule {}
