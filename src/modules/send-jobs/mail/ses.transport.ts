import { MessageTag, SendEmailCommand, SendEmailCommandInput, SESv2Client } from '@aws-sdk/client-sesv2';
import { AppConfig } from '../../../config/app-config';
import { classifySesError } from './classify-error';
import { composeMime } from './mime';
import { MailSendError, MailTransport, OutboundEmail, SentEmail } from './mail-transport';

/** SES v2 `SendEmail`: raw MIME built locally (full header control), or an SES stored template. */
export class SesTransport extends MailTransport {
  readonly kind = 'ses';
  private readonly client: SESv2Client;

  constructor(private readonly config: AppConfig) {
    super();
    this.client = new SESv2Client({
      region: config.SES_REGION,
      endpoint: config.SES_ENDPOINT,
      // A local SES emulator does not check signatures; a real endpoint uses the default credential chain.
      credentials: config.SES_ENDPOINT ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
      maxAttempts: 1, // retries are the send pipeline's decision (backoff, rate limit), not the SDK's
    });
  }

  async send(email: OutboundEmail): Promise<SentEmail> {
    try {
      const out = await this.client.send(new SendEmailCommand(await this.input(email)));
      return { providerMessageId: out.MessageId ?? '' };
    } catch (e) {
      const err = e as Error & { $metadata?: { httpStatusCode?: number } };
      throw new MailSendError(classifySesError(err), `SES ${err.name}: ${err.message}`, err.name);
    }
  }

  private async input(email: OutboundEmail): Promise<SendEmailCommandInput> {
    const tags: MessageTag[] = Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value }));
    const configurationSet = email.tracking ? this.config.SES_CONFIGURATION_SET : this.config.SES_CONFIGURATION_SET_NO_TRACKING;
    const base = {
      FromEmailAddress: email.from,
      Destination: { ToAddresses: [email.to] },
      EmailTags: tags,
      ConfigurationSetName: configurationSet || undefined,
    };
    if (email.sesTemplate) {
      const Headers = Object.entries(email.headers).map(([Name, Value]) => ({ Name, Value }));
      return {
        ...base,
        Content: {
          Template: { TemplateName: email.sesTemplate.name, TemplateData: JSON.stringify(email.sesTemplate.data), Headers },
        },
      };
    }
    const raw = await composeMime(email, `<${email.tags.message_id}@send-engine>`);
    return { ...base, Content: { Raw: { Data: raw } } };
  }

  override async close(): Promise<void> {
    this.client.destroy();
  }
}
