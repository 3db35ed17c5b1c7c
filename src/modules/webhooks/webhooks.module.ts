import { Module } from '@nestjs/common';
import { EngineEvents } from './engine-events';

@Module({
  providers: [EngineEvents],
  exports: [EngineEvents],
})
export class WebhooksModule {}
