import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';
import { addJobs } from '../../common/queue/add-jobs';
import { JOB_OPTIONS, QUEUES } from '../../common/queue/queues';

const { name, jobs } = QUEUES.deadLetterRecoveries;

export interface RecoverJob {
  recoveryId: string;
}

/** The only code that adds recover jobs; the job id is the request's id, so adding it twice is a no-op. */
@Injectable()
export class RecoverProducer {
  constructor(@InjectQueue(name) private readonly queue: Queue<RecoverJob>) {}

  async enqueue(recoveryId: string): Promise<void> {
    await addJobs(this.queue, [{ name: jobs.run, data: { recoveryId }, opts: { ...JOB_OPTIONS[jobs.run], jobId: recoveryId } }]);
  }
}
