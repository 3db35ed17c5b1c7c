import { createTransport, Transporter } from 'nodemailer';
import { AppConfig } from '../../../config/app-config';
import { classifySmtpError } from './classify-error';
import { MailSendError, MailTransport, OutboundEmail, SentEmail } from './mail-transport';

/** SMTP through a nodemailer connection pool (SMTP_URL, e.g. smtp://user:pass@host:587). */
export class SmtpTransport extends MailTransport {
  readonly kind = 'smtp';
  private readonly transporter: Transporter;

  constructor(config: AppConfig) {
    super();
    const url = new URL(config.SMTP_URL ?? 'smtp://127.0.0.1:25');
    url.searchParams.set('pool', 'true');
    this.transporter = createTransport(url.toString());
  }

  async send(email: OutboundEmail): Promise<SentEmail> {
    try {
      const info = await this.transporter.sendMail({
        from: email.from,
        to: email.to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        headers: { ...email.headers, ...tagHeaders(email.tags) },
        messageId: `<${email.tags.message_id}@send-engine>`,
      });
      return { providerMessageId: String(info.messageId) };
    } catch (e) {
      const err = e as Error & { responseCode?: number; code?: string };
      throw new MailSendError(classifySmtpError(err), `SMTP ${err.code ?? ''} ${err.message}`.trim(), err.code);
    }
  }

  override async close(): Promise<void> {
    this.transporter.close();
  }
}

/** SMTP has no message tags; carry them as X- headers so a relay or a test can still correlate. */
export function tagHeaders(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [`X-SE-${k.replace(/_/g, '-')}`, v]));
}
