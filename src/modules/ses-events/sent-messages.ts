import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { MessageEventStatus } from './ses-event-decoder';

/** How an event names its message: our tags when SES carried them, else only the SES message id. */
export interface SentMessageLookup {
  /** The tenant named by our tag (verified to exist), if any. */
  tenantId: string | null;
  /** Our message row id from the `message_id` tag (or a flat event's message_id). */
  messageId: string | null;
  sesMessageId: string;
}

export interface SentMessageRef {
  tenantId: string;
  messageId: string;
  sendJobId: string | null;
}

export interface MessageStatusChange {
  status: MessageEventStatus;
  email: string | null;
  sesMessageId: string;
  occurredAt: Date;
}

/**
 * The per-recipient message rows SesEvents reports to. SendJobs owns those rows and provides the real
 * implementation (bound in SesEventsModule with `{ provide: SentMessages, useExisting: … }`). Both calls run in
 * the event's transaction; `markStatus` must be idempotent and never move a message back (clicked → delivered).
 */
export abstract class SentMessages {
  abstract find(lookup: SentMessageLookup, manager: EntityManager): Promise<SentMessageRef | null>;
  abstract markStatus(message: SentMessageRef, change: MessageStatusChange, manager: EntityManager): Promise<void>;
}

/** Until SendJobs provides its rows: no message is known, so every event is recorded without a message match. */
@Injectable()
export class UntrackedSentMessages extends SentMessages {
  async find(): Promise<SentMessageRef | null> {
    return null;
  }
  async markStatus(): Promise<void> {
    // nothing to update
  }
}
