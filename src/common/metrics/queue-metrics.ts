import { getQueueToken } from '@nestjs/bull';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bull';
import { QUEUES } from '../queue/queues';
import { Metrics } from './metrics';

/**
 * Watches every queue: logs their connection errors (an EventEmitter 'error' without a listener would crash the
 * process during a Redis outage) and refreshes depth and age gauges just before each scrape.
 */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  private readonly logger = new Logger('Queues');
  private queues: Queue[] = [];

  constructor(
    private readonly metrics: Metrics,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    this.queues = Object.values(QUEUES)
      .map((q) => this.moduleRef.get<Queue>(getQueueToken(q.name), { strict: false }))
      .filter(Boolean);
    let last = 0;
    for (const q of this.queues) {
      q.on('error', (err: Error) => {
        if (Date.now() - last > 10_000) this.logger.warn(`queue ${q.name}: ${err.message}`);
        last = Date.now();
      });
    }
  }

  async refresh(): Promise<void> {
    await Promise.all(
      this.queues.map(async (q) => {
        const counts = await q.getJobCounts();
        for (const [state, n] of Object.entries(counts)) this.metrics.queueDepth.set({ queue: q.name, state }, n);
        const [oldest] = await q.getWaiting(0, 0);
        this.metrics.queueOldestWaitingSeconds.set({ queue: q.name }, oldest ? (Date.now() - oldest.timestamp) / 1000 : 0);
      }),
    );
  }
}
