import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';
import { dropFinishedJobs } from '../../common/queue/finished-jobs';
import { JOB_OPTIONS, QUEUES } from '../../common/queue/queues';

const { name, jobs } = QUEUES.sendJobs;

export interface SendJobPayload {
  sendJobId: string;
}

/** Parallel run jobs per send job: lets several workers share one big job. */
export const RUN_SLOTS = 2;

/** The only code that adds send-job queue jobs. Ids derive from the row id, so re-adding never doubles work. */
@Injectable()
export class SendJobsProducer {
  constructor(@InjectQueue(name) private readonly queue: Queue<SendJobPayload>) {}

  async enqueueStart(sendJobId: string, startAt: Date): Promise<void> {
    const delay = Math.max(0, startAt.getTime() - Date.now());
    await dropFinishedJobs(this.queue, [`start:${sendJobId}`]);
    await this.queue.add(jobs.start, { sendJobId }, { ...JOB_OPTIONS[jobs.start], jobId: `start:${sendJobId}`, delay });
  }

  async enqueueRun(sendJobId: string): Promise<void> {
    const ids = Array.from({ length: RUN_SLOTS }, (_, slot) => `run:${sendJobId}:${slot}`);
    await dropFinishedJobs(this.queue, ids);
    for (const jobId of ids) await this.queue.add(jobs.run, { sendJobId }, { ...JOB_OPTIONS[jobs.run], jobId });
  }
}
