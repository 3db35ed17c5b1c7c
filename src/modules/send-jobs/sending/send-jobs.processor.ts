import { Process, Processor } from '@nestjs/bull';
import { Job } from 'bull';
import { QUEUES } from '../../../common/queue/queues';
import { SendJobPayload, SendJobsProducer } from '../send-jobs.producer';
import { SendJobLifecycle } from './send-job-lifecycle';
import { SendJobRunner } from './send-job-runner';

const { name, jobs } = QUEUES.sendJobs;

@Processor(name)
export class SendJobsProcessor {
  constructor(
    private readonly lifecycle: SendJobLifecycle,
    private readonly runner: SendJobRunner,
    private readonly producer: SendJobsProducer,
  ) {}

  @Process({ name: jobs.start, concurrency: 2 })
  async start(job: Job<SendJobPayload>): Promise<void> {
    if (await this.lifecycle.start(job.data.sendJobId)) await this.producer.enqueueRun(job.data.sendJobId);
  }

  @Process({ name: jobs.run, concurrency: 4 })
  async run(job: Job<SendJobPayload>): Promise<void> {
    await this.runner.run(job.data.sendJobId);
  }
}
