import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SendJobMessagesRepository } from '../send-job-messages.repository';
import { SendJobsProducer } from '../send-jobs.producer';
import { SendJobLifecycle } from './send-job-lifecycle';
import { HEARTBEAT_TTL_MS, WorkerIdentity } from './worker-identity';

const TICK_MS = 1000;
/** No provider call takes this long; an older claim lost its result write and is unknown. */
const STALE_CLAIM_SECONDS = 300;

/**
 * Every worker runs this tick; Postgres is the truth and each step is a conditional statement, so ticks in
 * several workers never conflict. It starts due jobs, expires windows, turns dead workers' claims `unknown`,
 * completes finished jobs and (re-)adds run jobs for work that is due — which also recovers from a Redis wipe.
 */
@Injectable()
export class SendJobsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SendJobsScheduler.name);
  private timer?: NodeJS.Timeout;
  private ticking = false;

  constructor(
    private readonly lifecycle: SendJobLifecycle,
    private readonly messages: SendJobMessagesRepository,
    private readonly producer: SendJobsProducer,
    private readonly worker: WorkerIdentity,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.lifecycle.expireWindows();
      for (const id of await this.lifecycle.dueToStart()) await this.producer.enqueueStart(id, new Date());
      await this.recoverLostClaims();
      await this.lifecycle.completeFinished();
      for (const id of await this.lifecycle.runnable()) await this.producer.enqueueRun(id);
    } catch (e) {
      this.logger.warn(`send-jobs tick failed: ${(e as Error).message}`);
    } finally {
      this.ticking = false;
    }
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
