import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bull';
import { JOB_OPTIONS, QUEUES } from '../../common/queue/queues';

const { name, jobs } = QUEUES.maintenance;

/**
 * Schedules the periodic housekeeping jobs from worker processes (repeatable jobs are deduplicated by Bull
 * across processes). Not awaited: a worker that boots while Redis is down schedules once Redis is back.
 */
@Injectable()
export class MaintenanceProducer implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceProducer.name);

  constructor(@InjectQueue(name) private readonly queue: Queue) {}

  onApplicationBootstrap(): void {
    void this.queue
      .add(jobs.purgeIdempotencyKeys, {}, JOB_OPTIONS[jobs.purgeIdempotencyKeys])
      .catch((e: Error) => this.logger.warn(`could not schedule ${jobs.purgeIdempotencyKeys}: ${e.message}`));
  }
}
