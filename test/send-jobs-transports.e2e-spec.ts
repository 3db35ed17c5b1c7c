import { simpleParser } from 'mailparser';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../src/config/app-config';
import { parseEnv } from '../src/config/env';
import { FileTransport } from '../src/modules/send-jobs/mail/file.transport';
import { MailSendError, OutboundEmail } from '../src/modules/send-jobs/mail/mail-transport';
import { SesTransport } from '../src/modules/send-jobs/mail/ses.transport';
import { SmtpTransport } from '../src/modules/send-jobs/mail/smtp.transport';
import { headerValue } from './support/mime';
import { TEST_ENCRYPTION_KEY, TEST_JWT_SECRET } from './support/app';
import { SesPeer } from './peers/ses-peer';
import { SmtpPeer } from './peers/smtp-peer';

const config = (env: Record<string, string>) =>
  parseEnv({ DATABASE_URL: 'postgres://unused', JWT_SECRET: TEST_JWT_SECRET, APP_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, ...env }) as AppConfig;

const email = (to: string, extra: Partial<OutboundEmail> = {}): OutboundEmail => ({
  from: 'Sender <sender@example.com>',
  to,
  subject: 'Hello',
  html: '<p>Hi &amp; welcome</p>',
  text: 'Hi & welcome',
  headers: { 'List-Unsubscribe': '<https://e.example/unsubscribe/T>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  tags: { tenant_id: 't1', send_job_id: 'j1', message_id: 'm1' },
  tracking: true,
  ...extra,
});

const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as MailSendError);

describe('mail transports against real local peers', () => {
  describe('ses', () => {
    const peer = new SesPeer();
    let ses: SesTransport;
    beforeAll(async () => {
      const endpoint = await peer.start();
      ses = new SesTransport(config({ MAIL_TRANSPORT: 'ses', SES_ENDPOINT: endpoint, SES_CONFIGURATION_SET: 'tracked', SES_CONFIGURATION_SET_NO_TRACKING: 'plain' }));
    });
    afterAll(async () => {
      await ses.close();
      await peer.stop();
    });

    it('sends Simple content with the custom headers, tags and the tracking configuration set', async () => {
      const sent = await ses.send(email('a@example.com'));
      expect(sent.providerMessageId).toBe(peer.emails[0].messageId);
      const rec = peer.emails[0];
      expect(rec.tags).toEqual({ tenant_id: 't1', send_job_id: 'j1', message_id: 'm1' });
      expect(rec.configurationSet).toBe('tracked');
      const parsed = await simpleParser(rec.raw!);
      expect(headerValue(parsed, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(parsed.text?.trim()).toBe('Hi & welcome');
      await ses.send(email('b@example.com', { tracking: false }));
      expect(peer.emails[1].configurationSet).toBe('plain');
    });

    it('sends an SES stored template with its data and headers', async () => {
      await ses.send(email('c@example.com', { sesTemplate: { name: 'welcome', data: { subscriber: { id: 's' } } } }));
      const rec = peer.to('c@example.com')[0];
      expect(rec.template).toMatchObject({ name: 'welcome', data: '{"subscriber":{"id":"s"}}' });
      expect(rec.template!.headers).toContainEqual({ Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' });
    });

    it('classifies throttling, rejection and account stops', async () => {
      peer.verdict = () => ({ status: 429, error: 'TooManyRequestsException' });
      expect(await failure(ses.send(email('d@example.com')))).toMatchObject({ kind: 'transient' });
      peer.verdict = () => ({ status: 400, error: 'MessageRejected' });
      expect(await failure(ses.send(email('d@example.com')))).toMatchObject({ kind: 'recipient' });
      peer.verdict = () => ({ status: 400, error: 'SendingPausedException' });
      expect(await failure(ses.send(email('d@example.com')))).toMatchObject({ kind: 'account' });
      peer.verdict = () => 'accept';
    });
  });

  describe('smtp', () => {
    const peer = new SmtpPeer();
    let smtp: SmtpTransport;
    beforeAll(async () => {
      smtp = new SmtpTransport(config({ MAIL_TRANSPORT: 'smtp', SMTP_URL: await peer.start() }));
    });
    afterAll(async () => {
      await smtp.close();
      await peer.stop();
    });

    it('delivers through the pool with the headers and correlation tags', async () => {
      await smtp.send(email('a@example.com'));
      const parsed = await simpleParser(peer.emails[0].raw);
      expect(headerValue(parsed, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(headerValue(parsed, 'x-se-message-id')).toBe('m1');
      expect(parsed.html).toContain('Hi &amp; welcome');
    });

    it('fails only the rejected recipient', async () => {
      peer.reject.add('bad@example.com');
      expect(await failure(smtp.send(email('bad@example.com')))).toMatchObject({ kind: 'recipient' });
    });
  });

  it('file writes a real .eml per send: a second send of one message is a second file with the same message id header', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'se-mail-'));
    const file = new FileTransport(config({ MAIL_FILE_DIR: dir }));
    const sent = await file.send(email('a@example.com'));
    expect(await readdir(dir)).toEqual([sent.providerMessageId]);
    const parsed = await simpleParser(await readFile(join(dir, sent.providerMessageId)));
    expect(parsed.subject).toBe('Hello');
    const again = await file.send(email('a@example.com'));
    expect(again.providerMessageId).not.toBe(sent.providerMessageId);
    expect((await readdir(dir)).sort()).toEqual([sent.providerMessageId, again.providerMessageId].sort());
    const second = await simpleParser(await readFile(join(dir, again.providerMessageId)));
    const messageId = email('a@example.com').tags.message_id;
    expect(parsed.headers.get('x-se-message-id')).toBe(messageId);
    expect(second.headers.get('x-se-message-id')).toBe(messageId);
    await rm(dir, { recursive: true });
  });
});
