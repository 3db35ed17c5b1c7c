import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicTasks } from '../../../common/scheduling/periodic-tasks';
import { SendJobMessagesRepository } from '../send-job-messages.repository';
import { SendJobsProducer } from '../send-jobs.producer';
import { SendJobLifecycle } from './send-job-lifecycle';
import { HEARTBEAT_TTL_MS, WorkerIdentity } from './worker-identity';

const TICK_MS = 1000;
/** No provider call takes this long; an older claim lost its result write and is unknown. */
const STALE_CLAIM_SECONDS = 300;

/**
 * Once a second (PeriodicTasks: one worker per tick) it starts due jobs, expires windows, turns dead workers'
 * claims `unknown`, completes finished jobs and (re-)adds run jobs for work that is due — which also recovers
 * from a Redis wipe. Postgres is the truth and each step is a conditional statement, so a tick that overlaps
 * another worker's (a slow tick outliving its lock) never conflicts with it.
 */
@Injectable()
export class SendJobsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(SendJobsScheduler.name);

  constructor(
    private readonly lifecycle: SendJobLifecycle,
    private readonly messages: SendJobMessagesRepository,
    private readonly producer: SendJobsProducer,
    private readonly worker: WorkerIdentity,
    private readonly tasks: PeriodicTasks,
  ) {}

  onApplicationBootstrap(): void {
    this.tasks.schedule({ name: 'send-jobs-tick', everyMs: TICK_MS, run: () => this.tick() });
  }

  async tick(): Promise<void> {
    await this.lifecycle.expireWindows();
    for (const id of await this.lifecycle.dueToStart()) await this.producer.enqueueStart(id, new Date());
    await this.recoverLostClaims();
    await this.lifecycle.completeFinished();
    for (const id of await this.lifecycle.runnable()) await this.producer.enqueueRun(id);
  }

  /** Claims of workers whose heartbeat expired: their provider calls may or may not have happened. */
  private async recoverLostClaims(): Promise<void> {
    for (const holder of await this.messages.claimHolders(HEARTBEAT_TTL_MS / 1000)) {
      if (!(await this.worker.isAlive(holder))) {
        const n = await this.messages.markUnknown(holder);
        if (n) this.logger.warn(`worker ${holder} is gone: ${n} in-flight messages are now unknown`);
      }
    }
    await this.messages.markStaleUnknown(STALE_CLAIM_SECONDS);
  }
}
