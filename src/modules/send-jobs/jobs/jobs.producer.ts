import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';
import { Batcher } from '../../../common/batching/batcher';
import { addJobs } from '../../../common/queue/add-jobs';
import { JOB_OPTIONS, jobRunId, QUEUES } from '../../../common/queue/queues';

const { name, jobs } = QUEUES.jobs;

export interface JobRunPayload {
  /** The job row id. */
  id: string;
  /** Lets the worker take the tenant's send-rate slot before it claims the job. */
  tenantId: string;
  /** The attempt this run performs (attempts + 1 when it was added). */
  attempt: number;
}

/** A run to add, after `delayMs` (0 or less: now). */
export interface DueRun extends JobRunPayload {
  delayMs?: number;
}

function runJob({ id, tenantId, attempt, delayMs = 0 }: DueRun) {
  return { name: jobs.run, data: { id, tenantId, attempt }, opts: { ...JOB_OPTIONS[jobs.run], jobId: jobRunId(id, attempt), delay: Math.max(0, Math.round(delayMs)) } };
}

/** The only code that adds single-job runs. Ids come from (row, attempt), so adding twice never runs twice. */
@Injectable()
export class JobsProducer {
  /** First runs of concurrent submits: one `addBulk`. */
  private readonly firstRuns = new Batcher(async (runs: JobRunPayload[]) => {
    await this.queue.addBulk(runs.map(runJob));
    return runs.map(() => undefined);
  }, { maxBatch: 100, maxConcurrent: 1, lingerMs: 2 });

  constructor(@InjectQueue(name) private readonly queue: Queue<JobRunPayload>) {}

  /**
   * The first run of a row just inserted. Its id (`<new row id>:1`) has never been added, so no leftover can
   * swallow it and the clearing pass of `addJobs` is skipped (a run the reconciler added first makes it a no-op).
   */
  enqueueFirst(run: JobRunPayload): Promise<void> {
    return this.firstRuns.run(run);
  }

  /** Many runs in two Redis round trips (the reconciler's pages); finished or broken leftovers are cleared first. */
  async enqueueMany(runs: DueRun[]): Promise<void> {
    await addJobs(this.queue, runs.map(runJob));
  }
}
