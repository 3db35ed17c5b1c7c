import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../../config/app-config';
import { composeMime } from './mime';
import { MailTransport, OutboundEmail, SentEmail } from './mail-transport';
import { tagHeaders } from './smtp.transport';

/**
 * Writes each email as a real `.eml` file into MAIL_FILE_DIR: the zero-setup default for local development.
 * Every send gets its own file, `<message_id>.<uuidv7>.eml` (sorted by time), so a second send of one message
 * is a second file, never an overwrite; the message id is also in the `X-SE-message-id` header.
 */
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
    const name = `${id}.${uuidv7()}.eml`;
    await writeFile(join(this.config.MAIL_FILE_DIR, name), mime, { flag: 'wx' });
    return { providerMessageId: name };
  }
}
