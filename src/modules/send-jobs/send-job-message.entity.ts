import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SendJob } from './send-job.entity';

/**
 * `pending` (a worker's claim may have reserved it: `claimed_by` set, nothing sent) → `sending` (its provider
 * call about to happen or in flight) → `sent` | `failed`;
 * `skipped` (suppressed/unsubscribed at send time); `unknown` (its worker died during the provider call).
 */
export const MESSAGE_STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped', 'unknown'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** One recipient of one send job; the unique key is what makes "nobody emailed twice by one job" structural. */
@Entity('send_job_messages')
@Index('uq_send_job_messages_recipient', ['sendJobId', 'subscriberId'], { unique: true })
@Index('ix_send_job_messages_job_status', ['sendJobId', 'status', 'id']) // claims walk pending rows in id order
@Index('ix_send_job_messages_sending', ['claimedBy'], { where: "status = 'sending'" })
export class SendJobMessage {
  /** UUIDv7, generated in SQL by the set-based materialisation; it is the SES `message_id` tag. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  sendJobId!: string;

  @ManyToOne(() => SendJob, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'send_job_id', foreignKeyConstraintName: 'fk_send_job_messages_job' })
  sendJob?: SendJob;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  subscriberId!: string;

  @Column('text')
  email!: string;

  @Column('text', { default: 'pending' })
  status!: MessageStatus;

  @Column('integer', { default: 0 })
  attempts!: number;

  /** A transient failure's backoff: not claimable before this time. */
  @Column('timestamptz', { nullable: true })
  nextAttemptAt!: Date | null;

  /** The worker process (instance id) holding the claim; its Redis heartbeat tells whether it is alive. */
  @Column('text', { nullable: true })
  claimedBy!: string | null;

  @Column('timestamptz', { nullable: true })
  claimedAt!: Date | null;

  @Column('text', { nullable: true })
  providerMessageId!: string | null;

  /** Why the message was skipped or failed (`suppressed`, `unsubscribed`, the provider's error). */
  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('timestamptz', { nullable: true })
  sentAt!: Date | null;
}
