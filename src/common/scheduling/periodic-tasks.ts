import { Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RedisModule, RedisService } from '../redis/redis.module';

/** A piece of periodic work: at most one run per `everyMs` across all worker processes. */
export interface PeriodicTask {
  /** Names the Redis lock and the log lines. */
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/** A long period is still checked this often, so a run is at most this late after its holder died. */
const MAX_CHECK_MS = 15_000;

/**
 * How often a process tries to take a task's lock and how long a taken lock lasts. The lock lasts a little less
 * than the period so the holder's own next check finds it free despite timer drift.
 */
export function periodicTiming(everyMs: number): { checkMs: number; lockMs: number } {
  return { checkMs: Math.min(everyMs, MAX_CHECK_MS), lockMs: everyMs - Math.min(1000, Math.floor(everyMs / 10)) };
}

/**
 * The one way the engine runs periodic work (reconciler, send-job scheduler, housekeeping): every worker
 * process checks each task at boot and then on a timer; a Redis `SET NX PX` lock lets one process run it per
 * period. A timer in each process, not a schedule stored in Redis, so losing Redis's data cannot unschedule
 * the work that repairs that loss; the lock outlives restarts, so frequent deploys do not skip or repeat runs.
 * A run still in progress in this process is never overlapped by the next.
 */
@Injectable()
export class PeriodicTasks implements OnApplicationShutdown {
  private readonly logger = new Logger(PeriodicTasks.name);
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly token = randomUUID();

  constructor(private readonly redis: RedisService) {}

  schedule(task: PeriodicTask): void {
    const { checkMs, lockMs } = periodicTiming(task.everyMs);
    let running = false;
    const tick = async (): Promise<void> => {
      if (running) return;
      running = true;
      try {
        const lock = await this.redis.client.set(this.redis.key('periodic', task.name), this.token, 'PX', lockMs, 'NX');
        if (lock === 'OK') await task.run();
      } catch (e) {
        this.logger.warn(`${task.name} failed: ${(e as Error).message}`);
      } finally {
        running = false;
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), checkMs);
    timer.unref();
    this.timers.push(timer);
  }

  onApplicationShutdown(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
  }
}

@Module({ imports: [RedisModule], providers: [PeriodicTasks], exports: [PeriodicTasks] })
export class PeriodicTasksModule {}
