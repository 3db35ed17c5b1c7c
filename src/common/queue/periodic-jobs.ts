import { getQueueToken } from '@nestjs/bull';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bull';
import { PeriodicTasks } from '../scheduling/periodic-tasks';
import { JOB_OPTIONS, PERIODIC_JOBS } from './queues';

/** In worker processes: adds each housekeeping job of PERIODIC_JOBS once per period (one process adds it). */
@Injectable()
export class PeriodicJobs implements OnApplicationBootstrap {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly tasks: PeriodicTasks,
  ) {}

  onApplicationBootstrap(): void {
    for (const { queue: queueName, job, everyMs } of PERIODIC_JOBS) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(queueName), { strict: false });
      this.tasks.schedule({ name: job, everyMs, run: () => queue.add(job, {}, JOB_OPTIONS[job]) });
    }
  }
}
