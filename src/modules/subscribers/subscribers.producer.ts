import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bull';
import { JOB_OPTIONS, QUEUES } from '../../common/queue/queues';

const { name, jobs } = QUEUES.subscribers;

/** Schedules the sweep that abandons full syncs left incomplete (a repeatable job: one schedule across processes). */
@Injectable()
export class SubscribersProducer implements OnApplicationBootstrap {
  private readonly logger = new Logger(SubscribersProducer.name);

  constructor(@InjectQueue(name) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue
      .add(jobs.abandonStaleSyncs, {}, JOB_OPTIONS[jobs.abandonStaleSyncs])
      .catch((e: Error) => this.logger.warn(`could not schedule ${jobs.abandonStaleSyncs}: ${e.message}`));
  }
}
