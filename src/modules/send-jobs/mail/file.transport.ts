import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppConfig } from '../../../config/app-config';
import { composeMime } from './mime';
import { MailTransport, OutboundEmail, SentEmail } from './mail-transport';
import { tagHeaders } from './smtp.transport';

/** Writes each email as a real `.eml` file into MAIL_FILE_DIR: the zero-setup default for local development. */
export class FileTransport extends MailTransport {
  readonly kind = 'file';
  private ready?: Promise<unknown>;

  constructor(private readonly config: AppConfig) {
    super();
  }

  async send(email: OutboundEmail): Promise<SentEmail> {
    this.ready ??= mkdir(this.config.MAIL_FILE_DIR, { recursive: true });
    await this.ready;
    const id = email.tags.message_id;
    const mime = await composeMime({ ...email, headers: { ...email.headers, ...tagHeaders(email.tags) } }, `<${id}@send-engine>`);
    await writeFile(join(this.config.MAIL_FILE_DIR, `${id}.eml`), mime);
    return { providerMessageId: `${id}.eml` };
  }
}
