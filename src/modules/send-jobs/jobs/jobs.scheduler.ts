import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RedisService } from '../../../common/redis/redis.module';
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
 * Every worker runs this tick; each step is a conditional statement, so ticks in several workers never conflict.
 * It marks dead workers' claims `outcome_unknown`, ends unknowns past JOB_OUTCOME_UNKNOWN_TIMEOUT_SECONDS as
 * `fatal`, and every interval (one worker at a time, Redis lock) re-adds due jobs — the Redis-loss recovery.
 */
@Injectable()
export class JobsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobsScheduler.name);
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private nextReconcileAt = 0;
  private readonly token = randomUUID();

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly jobs: JobsRepository,
    private readonly completion: JobCompletion,
    private readonly reconciler: JobsReconciler,
    private readonly worker: WorkerIdentity,
    private readonly redis: RedisService,
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
      await this.recoverLostClaims();
      await this.expireUnknown();
      if (Date.now() >= this.nextReconcileAt) {
        this.nextReconcileAt = Date.now() + JOBS_RECONCILE_INTERVAL_MS;
        await this.reconcile();
      }
    } catch (e) {
      this.logger.warn(`jobs tick failed: ${(e as Error).message}`);
    } finally {
      this.ticking = false;
    }
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
      const ids: (string | null)[] = [];
      for (const job of ended) ids.push(await this.completion.ended(manager, job));
      return ids;
    });
    await this.completion.enqueue(callbacks);
  }

  private async reconcile(): Promise<void> {
    const lock = await this.redis.client.set(this.redis.key('jobs-reconciler-lock'), this.token, 'PX', JOBS_RECONCILE_INTERVAL_MS - 1000, 'NX');
    if (lock !== 'OK') return;
    const n = await this.reconciler.run();
    if (n) this.logger.log(`jobs reconciler re-added ${n} due jobs`);
  }
}
