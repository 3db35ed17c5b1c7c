import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isUuid } from '../../common/http/parse-id.pipe';
import { JobSentMessages } from './jobs/job-sent-messages';
import { SendJobMessagesRepository } from './send-job-messages.repository';

/** What an SES event says happened to a message. */
export type MessageEventStatus = 'sent' | 'delivered' | 'bounced' | 'complained' | 'rejected' | 'opened' | 'clicked' | 'delayed' | 'failed';

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
  /** Set when the message is a single job's email (`messageId` is then the job row id). */
  single?: boolean;
}

export interface MessageStatusChange {
  status: MessageEventStatus;
  email: string | null;
  sesMessageId: string;
  occurredAt: Date;
}

/**
 * The per-recipient message rows SES events report on (SesEvents consumes this port; SendJobs owns the rows).
 * Both calls run in the event's transaction; `markStatus` is idempotent and never moves a message back.
 */
export abstract class SentMessages {
  abstract find(lookup: SentMessageLookup, manager: EntityManager): Promise<SentMessageRef | null>;
  abstract markStatus(message: SentMessageRef, change: MessageStatusChange, manager: EntityManager): Promise<void>;
}

/** Statuses that prove SES accepted the message (anything it reports after accepting one). */
const ACCEPTED: ReadonlySet<MessageEventStatus> = new Set(['sent', 'delivered', 'bounced', 'complained', 'opened', 'clicked', 'delayed']);

/**
 * SES events resolve messages whose fate a worker crash left open: a message still `sending` or `unknown` becomes
 * `sent` once SES reports it accepted (Send, Delivery, …) or `failed` when SES rejected it. Settled messages
 * (`sent`, `failed`, `skipped`) never change. A message that is no campaign recipient may be a single job's
 * email: those go to JobSentMessages.
 */
@Injectable()
export class SendJobSentMessages extends SentMessages {
  constructor(
    private readonly messages: SendJobMessagesRepository,
    private readonly singleJobs: JobSentMessages,
  ) {
    super();
  }

  async find(lookup: SentMessageLookup, manager: EntityManager): Promise<SentMessageRef | null> {
    const messageId = isUuid(lookup.messageId) ? lookup.messageId : null;
    const row = await this.messages.findByIdOrProviderId(manager, messageId, lookup.sesMessageId, lookup.tenantId);
    if (row) return { tenantId: row.tenant_id, messageId: row.id, sendJobId: row.send_job_id };
    const job = await this.singleJobs.find(messageId, lookup.sesMessageId, lookup.tenantId, manager);
    return job ? { tenantId: job.tenantId, messageId: job.id, sendJobId: null, single: true } : null;
  }

  async markStatus(message: SentMessageRef, change: MessageStatusChange, manager: EntityManager): Promise<void> {
    if (message.single) {
      const accepted = ACCEPTED.has(change.status);
      return this.singleJobs.resolve(manager, message.messageId, accepted, change.sesMessageId, `ses_${change.status}`);
    }
    if (ACCEPTED.has(change.status)) {
      await this.messages.resolveAccepted(manager, message.messageId, change.sesMessageId, change.occurredAt);
    } else {
      await this.messages.resolveRejected(manager, message.messageId, `ses_${change.status}`);
    }
  }
}
