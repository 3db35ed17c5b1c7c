import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';

/** One SendEmail call the peer accepted: the JSON request, the raw MIME (when Raw content) and its id. */
export interface RecordedSesEmail {
  messageId: string;
  to: string[];
  tags: Record<string, string>;
  configurationSet?: string;
  raw?: string;
  template?: { name: string; data: string; headers: { Name: string; Value: string }[] };
}

/** What the peer answers a call with: accept, or an SES error (name + HTTP status). */
export type SesVerdict = 'accept' | { status: number; error: string };

interface SendEmailBody {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[] };
  EmailTags?: { Name: string; Value: string }[];
  ConfigurationSetName?: string;
  Content?: {
    Raw?: { Data: string };
    Simple?: {
      Subject: { Data: string };
      Body: { Html?: { Data: string }; Text?: { Data: string } };
      Headers?: { Name: string; Value: string }[];
    };
    Template?: { TemplateName: string; TemplateData: string; Headers?: { Name: string; Value: string }[] };
  };
}

/** The message as SES would deliver it: Raw content as given, Simple content composed like SES does. */
async function rawMime(body: SendEmailBody): Promise<string | undefined> {
  if (body.Content?.Raw) return Buffer.from(body.Content.Raw.Data, 'base64').toString('utf8');
  const simple = body.Content?.Simple;
  if (!simple) return undefined;
  const mime = await new MailComposer({
    from: body.FromEmailAddress,
    to: body.Destination?.ToAddresses,
    subject: simple.Subject.Data,
    html: simple.Body.Html?.Data,
    text: simple.Body.Text?.Data,
    headers: Object.fromEntries((simple.Headers ?? []).map((h) => [h.Name, h.Value])),
  })
    .compile()
    .build();
  return mime.toString('utf8');
}

/**
 * A minimal SES-v2-compatible HTTP server (`POST /v2/email/outbound-emails`, the SDK's restJson1 wire format)
 * that records every accepted message and can be scripted per call to throttle or reject.
 */
export class SesPeer {
  readonly emails: RecordedSesEmail[] = [];
  calls = 0;
  /** Decides each call; the default accepts everything. */
  verdict: (body: SendEmailBody, call: number) => SesVerdict = () => 'accept';
  /** Optional delay before answering (to keep calls in flight in crash tests). */
  delayMs = 0;
  private server?: Server;

  /** Records nothing, answers at once (the benchmark's endpoint). */
  constructor(private readonly record = true) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Recorded emails addressed to `to` (case-insensitive). */
  to(address: string): RecordedSesEmail[] {
    return this.emails.filter((e) => e.to.some((t) => t.toLowerCase() === address.toLowerCase()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || !req.url?.startsWith('/v2/email/outbound-emails')) {
      res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'NotFoundException' });
      res.end(JSON.stringify({ message: 'not found' }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SendEmailBody;
    const call = ++this.calls;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const verdict = this.verdict(body, call);
    if (verdict !== 'accept') {
      res.writeHead(verdict.status, { 'content-type': 'application/json', 'x-amzn-errortype': verdict.error });
      res.end(JSON.stringify({ message: `scripted ${verdict.error}` }));
      return;
    }
    const messageId = randomUUID();
    if (this.record) {
      const template = body.Content?.Template;
      this.emails.push({
        messageId,
        to: body.Destination?.ToAddresses ?? [],
        tags: Object.fromEntries((body.EmailTags ?? []).map((t) => [t.Name, t.Value])),
        configurationSet: body.ConfigurationSetName,
        raw: await rawMime(body),
        template: template ? { name: template.TemplateName, data: template.TemplateData, headers: template.Headers ?? [] } : undefined,
      });
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ MessageId: messageId }));
  }
}
