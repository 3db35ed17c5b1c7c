import { Process, Processor } from '@nestjs/bull';
import { Job } from 'bull';
import { QUEUES } from '../../../common/queue/queues';
import { JobRunner } from './job-runner';
import { JobRunPayload } from './jobs.producer';

const { name, jobs } = QUEUES.jobs;

/** Provider calls in flight per worker process (each waits mostly on the network). */
export const JOB_CONCURRENCY = 32;

@Processor(name)
export class JobsProcessor {
  constructor(private readonly runner: JobRunner) {}

  @Process({ name: jobs.run, concurrency: JOB_CONCURRENCY })
  run(job: Job<JobRunPayload>): Promise<string> {
    return this.runner.run(job.data);
  }
}
