import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** Engine event types (DESIGN "Outbound webhooks": engine events). */
export type EngineEventType =
  | 'send_job.started'
  | 'send_job.completed'
  | 'send_job.failed'
  | 'send_job.cancelled'
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

/**
 * The port other modules publish engine events through (send-jobs, subscribers and ses-events depend on the
 * webhooks module, never the reverse). Given the caller's transaction `manager`, the event is written in that
 * transaction, so an effect and its event commit or roll back together.
 *
 * Placeholder until the webhook engine lands: accepts and drops events.
 */
@Injectable()
export class EngineEvents {
  async publish(_event: EngineEvent, _manager?: EntityManager): Promise<void> {
    // replaced by the webhook engine (issue 4)
  }
}
