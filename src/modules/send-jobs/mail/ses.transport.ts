import { MessageTag, SendEmailCommand, SendEmailCommandInput, SESv2Client } from '@aws-sdk/client-sesv2';
import { AppConfig } from '../../../config/app-config';
import { classifySesError } from './classify-error';
import { MailSendError, MailTransport, OutboundEmail, SentEmail } from './mail-transport';

/** SES v2 `SendEmail`: Simple content with our custom headers, or an SES stored template. */
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
      const out = await this.client.send(new SendEmailCommand(this.input(email)));
      return { providerMessageId: out.MessageId ?? '' };
    } catch (e) {
      const err = e as Error & { $metadata?: { httpStatusCode?: number } };
      throw new MailSendError(classifySesError(err), `SES ${err.name}: ${err.message}`, err.name);
    }
  }

  private input(email: OutboundEmail): SendEmailCommandInput {
    const tags: MessageTag[] = Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value }));
    const configurationSet = email.tracking ? this.config.SES_CONFIGURATION_SET : this.config.SES_CONFIGURATION_SET_NO_TRACKING;
    const base = {
      FromEmailAddress: email.from,
      Destination: { ToAddresses: [email.to] },
      EmailTags: tags,
      ConfigurationSetName: configurationSet || undefined,
    };
    const Headers = Object.entries(email.headers).map(([Name, Value]) => ({ Name, Value }));
    if (email.sesTemplate) {
      return {
        ...base,
        Content: {
          Template: { TemplateName: email.sesTemplate.name, TemplateData: JSON.stringify(email.sesTemplate.data), Headers },
        },
      };
    }
    // Simple content with custom headers: SES builds the MIME, which keeps the per-message CPU cost low.
    const part = (Data: string | undefined) => (Data === undefined ? undefined : { Data, Charset: 'UTF-8' });
    return {
      ...base,
      Content: { Simple: { Subject: { Data: email.subject, Charset: 'UTF-8' }, Body: { Html: part(email.html), Text: part(email.text) }, Headers } },
    };
  }

  override async close(): Promise<void> {
    this.client.destroy();
  }
}
