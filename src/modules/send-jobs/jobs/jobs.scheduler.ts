import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PeriodicTasks } from '../../../common/scheduling/periodic-tasks';
import { AppConfig } from '../../../config/app-config';
import { HEARTBEAT_TTL_MS, WorkerIdentity } from '../sending/worker-identity';
import { JobCompletion } from './job-completion';
import { JobsReconciler, JOBS_RECONCILE_INTERVAL_MS } from './jobs.reconciler';
import { JobsRepository } from './jobs.repository';

const TICK_MS = 1000;
/** No provider call takes this long; an older claim lost its result write and its outcome is unknown. */
const STALE_CLAIM_SECONDS = 300;
const EXPIRE_BATCH = 100;

/**
 * Two periodic tasks (PeriodicTasks: one worker per run). Every second: dead workers' claims become
 * `outcome_unknown`, and unknowns past JOB_OUTCOME_UNKNOWN_TIMEOUT_SECONDS end `fatal`. Every 15 s: due jobs are
 * re-added to the queue — the Redis-loss recovery. Each step is a conditional statement, so overlapping runs never
 * conflict.
 */
@Injectable()
export class JobsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobsScheduler.name);

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly jobs: JobsRepository,
    private readonly completion: JobCompletion,
    private readonly reconciler: JobsReconciler,
    private readonly worker: WorkerIdentity,
    private readonly tasks: PeriodicTasks,
  ) {}

  onApplicationBootstrap(): void {
    this.tasks.schedule({ name: 'jobs-tick', everyMs: TICK_MS, run: () => this.tick() });
    this.tasks.schedule({ name: 'jobs-reconciler', everyMs: JOBS_RECONCILE_INTERVAL_MS, run: () => this.reconcile() });
  }

  async tick(): Promise<void> {
    await this.recoverLostClaims();
    await this.expireUnknown();
  }

  /** Claims of workers whose heartbeat expired: their provider calls may or may not have happened. */
  private async recoverLostClaims(): Promise<void> {
    for (const holder of await this.jobs.claimHolders(HEARTBEAT_TTL_MS / 1000)) {
      if (!(await this.worker.isAlive(holder))) {
        const n = await this.jobs.markUnknown(holder);
        if (n) this.logger.warn(`worker ${holder} is gone: ${n} jobs in flight are now outcome_unknown`);
      }
    }
    await this.jobs.markStaleUnknown(STALE_CLAIM_SECONDS);
  }

  private async expireUnknown(): Promise<void> {
    const callbacks = await this.db.transaction(async (manager) => {
      const ended = await this.jobs.expireUnknown(manager, this.config.JOB_OUTCOME_UNKNOWN_TIMEOUT_SECONDS, EXPIRE_BATCH);
      return this.completion.endedMany(manager, ended);
    });
    await this.completion.enqueue(callbacks);
  }

  private async reconcile(): Promise<void> {
    const n = await this.reconciler.run();
    if (n) this.logger.log(`jobs reconciler re-added ${n} due jobs`);
  }
}
