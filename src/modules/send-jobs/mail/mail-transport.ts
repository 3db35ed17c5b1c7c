/** One email as the engine hands it to a transport: already rendered, headers and correlation tags attached. */
export interface OutboundEmail {
  from: string;
  to: string;
  subject: string;
  html?: string;
  text?: string;
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post, …). */
  headers: Record<string, string>;
  /** Correlation tags (`tenant_id`, `send_job_id`, `message_id`) that SES echoes back in its events. */
  tags: Record<string, string>;
  /** Open/click tracking selects the SES configuration set; other transports ignore it. */
  tracking: boolean;
  /** SES stored template and its data (`template.ses_template_name`). */
  sesTemplate?: { name: string; data: Record<string, unknown> };
}

export interface SentEmail {
  /** The provider's id for the message (SES MessageId, SMTP Message-ID, file name). */
  providerMessageId: string;
}

/**
 * How a failed send is handled: `transient` (throttling, 5xx, network) is retried with backoff; `recipient`
 * fails only that recipient; `account` (sending paused, account suspended) stops the whole job.
 */
export type MailFailureKind = 'transient' | 'recipient' | 'account';

export class MailSendError extends Error {
  constructor(
    readonly kind: MailFailureKind,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * The mail transport port. Several implementations exist (ses, smtp, file), chosen by MAIL_TRANSPORT, hence
 * an abstract class used as the injection token. `send` throws MailSendError for every provider failure.
 */
export abstract class MailTransport {
  abstract readonly kind: string;
  abstract send(email: OutboundEmail): Promise<SentEmail>;
  async close(): Promise<void> {}
}
