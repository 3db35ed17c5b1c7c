import { Module } from '@nestjs/common';
import { DeadLettersModule } from './dead-letters.module';
import { RecoverProcessor } from './recover.processor';

/** Loaded only when APP_ROLE runs workers: the bulk recover processor. */
@Module({
  imports: [DeadLettersModule],
  providers: [RecoverProcessor],
})
export class DeadLettersWorkerModule {}
