import MailComposer from 'nodemailer/lib/mail-composer';
import { OutboundEmail } from './mail-transport';

/** Builds the raw RFC 5322 message (multipart/alternative when both parts exist) with nodemailer's composer. */
export function composeMime(email: OutboundEmail, messageId: string): Promise<Buffer> {
  return new MailComposer({
    from: email.from,
    to: email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    headers: email.headers,
    messageId,
  })
    .compile()
    .build();
}
