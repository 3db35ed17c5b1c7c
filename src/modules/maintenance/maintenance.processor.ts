import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import { IdempotencyStore } from '../../common/idempotency/idempotency.store';
import { QUEUES } from '../../common/queue/queues';

const { name, jobs } = QUEUES.maintenance;

@Processor(name)
export class MaintenanceProcessor {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(private readonly idempotency: IdempotencyStore) {}

  @Process(jobs.purgeIdempotencyKeys)
  async purgeIdempotencyKeys(): Promise<{ purged: number }> {
    const purged = await this.idempotency.purgeExpired();
    if (purged) this.logger.log(`purged ${purged} expired idempotency keys`);
    return { purged };
  }
}
