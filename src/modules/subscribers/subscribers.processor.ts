import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import { QUEUES } from '../../common/queue/queues';
import { FullSyncService } from './full-sync.service';

const { name, jobs } = QUEUES.subscribers;

@Processor(name)
export class SubscribersProcessor {
  private readonly logger = new Logger(SubscribersProcessor.name);

  constructor(private readonly fullSync: FullSyncService) {}

  @Process(jobs.abandonStaleSyncs)
  async abandonStaleSyncs(): Promise<{ abandoned: number }> {
    const abandoned = await this.fullSync.abandonStale();
    if (abandoned) this.logger.log(`abandoned ${abandoned} full syncs left incomplete for 24 h`);
    return { abandoned };
  }
}
