import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { EventFanOut } from './fan-out';

/** Engine event types: what the engine itself publishes to subscriptions (docs/webhooks.md). */
export type EngineEventType =
  | 'send_job.started'
  | 'send_job.completed'
  | 'send_job.failed'
  | 'send_job.cancelled'
  | 'job.succeeded'
  | 'job.failed'
  | 'email.bounced'
  | 'email.complained'
  | 'email.delivered'
  | 'email.opened'
  | 'email.clicked'
  | 'subscriber.unsubscribed'
  | 'subscriber.suppressed';

export interface EngineEvent {
  tenantId: string;
  type: EngineEventType;
  data: Record<string, unknown>;
}

/** Where delivery ids written inside a caller's transaction wait for its commit (QueryRunner.data is per transaction). */
const PENDING = 'webhookDeliveryIds';

/**
 * The port other modules publish engine events through (send-jobs, subscribers and ses-events depend on the
 * webhooks module, never the reverse). Given the caller's transaction `manager`, the event and its deliveries are
 * written in that transaction, so an effect and its event commit or roll back together; the deliveries are
 * enqueued by an after-commit hook (and, should that enqueue fail, by the reconciler). Without a manager the event
 * gets its own transaction.
 */
@Injectable()
export class EngineEvents implements EntitySubscriberInterface {
  constructor(
    private readonly fanOut: EventFanOut,
    dataSource: DataSource,
  ) {
    dataSource.subscribers.push(this);
  }

  publish(event: EngineEvent, manager?: EntityManager): Promise<void> {
    return this.publishMany([event], manager);
  }

  /** Several events in one statement (a batch of ended jobs), in `manager`'s transaction when it has one. */
  async publishMany(events: EngineEvent[], manager?: EntityManager): Promise<void> {
    if (!events.length) return;
    const inputs = events.map((event) => ({ tenantId: event.tenantId, type: event.type, payload: event.data, source: 'engine' }));
    const runner = manager?.queryRunner;
    if (!manager || !runner?.isTransactionActive) {
      // One event joins concurrent ones in a shared statement (group commit); a batch is a statement of its own.
      if (inputs.length === 1) await this.fanOut.publish(inputs[0]);
      else await this.fanOut.publishMany(inputs);
      return;
    }
    const deliveryIds = (await this.fanOut.write(manager, inputs)).flatMap((w) => w.deliveryIds);
    const data = runner.data as Record<string, string[] | undefined>;
    data[PENDING] = [...(data[PENDING] ?? []), ...deliveryIds];
  }

  afterTransactionCommit(event: TransactionCommitEvent): Promise<void> | void {
    const data = event.queryRunner.data as Record<string, string[] | undefined>;
    const ids = data[PENDING];
    if (!ids?.length) return;
    data[PENDING] = [];
    return this.fanOut.enqueue(ids);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    (event.queryRunner.data as Record<string, unknown>)[PENDING] = [];
  }
}
