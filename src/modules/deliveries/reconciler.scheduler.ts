import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicTasks } from '../../common/scheduling/periodic-tasks';
import { DeliveryReconciler, RECONCILE_INTERVAL_MS } from './reconciler';

/** Runs the reconciler at boot and every interval in worker processes, one process per pass (PeriodicTasks). */
@Injectable()
export class ReconcilerScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReconcilerScheduler.name);

  constructor(
    private readonly reconciler: DeliveryReconciler,
    private readonly tasks: PeriodicTasks,
  ) {}

  onApplicationBootstrap(): void {
    this.tasks.schedule({
      name: 'webhook-reconciler',
      everyMs: RECONCILE_INTERVAL_MS,
      run: async () => {
        const n = await this.reconciler.run();
        if (n) this.logger.log(`reconciler re-enqueued ${n} due deliveries`);
      },
    });
  }
}
