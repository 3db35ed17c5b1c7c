import { getQueueToken } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bull';
import { repeatableJobs } from './queues';

/**
 * Worker processes schedule every repeatable job declared in queues.ts (Bull dedupes the schedule across
 * processes). Not awaited: a worker that boots while Redis is down schedules once Redis answers.
 */
@Injectable()
export class RepeatableJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger(RepeatableJobs.name);

  constructor(private readonly moduleRef: ModuleRef) {}

  onApplicationBootstrap(): void {
    for (const [queueName, job, options] of repeatableJobs()) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(queueName), { strict: false });
      void queue.add(job, {}, options).catch((e: Error) => this.logger.warn(`could not schedule ${job}: ${e.message}`));
    }
  }
}
