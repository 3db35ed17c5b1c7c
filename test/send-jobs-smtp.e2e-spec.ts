import { simpleParser } from 'mailparser';
import { createTestApp, TestApp } from './support/app';
import { createTenant } from './support/auth';
import { headerValue } from './support/mime';
import { createJob, seedList, waitForStatus } from './support/send-jobs';
import { SmtpPeer } from './peers/smtp-peer';

jest.setTimeout(60_000);

describe('send jobs through the smtp transport to a real SMTP server', () => {
  const smtp = new SmtpPeer();
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { MAIL_TRANSPORT: 'smtp', SMTP_URL: await smtp.start(), SEND_RATE_PER_SECOND: '0' } });
  });
  afterAll(async () => {
    await t?.close();
    await smtp.stop();
  });

  it('delivers one message per member with the one-click headers; a 550 fails only that recipient', async () => {
    const tenant = await createTenant(t);
    const { listId, members } = await seedList(t.db, tenant.id, 4);
    smtp.reject.add(members[3].email);
    const id = await createJob(t, tenant.editor, { list_id: listId, subject: 'Hi {{subscriber.email}}', body_html: '<p>{{subscriber.id}}</p>' });
    const done = await waitForStatus(t, tenant.editor, id, ['completed', 'failed']);
    expect(done).toMatchObject({ status: 'completed', sent: 3, failed: 1 });
    expect(smtp.emails.map((e) => e.to[0]).sort()).toEqual(members.slice(0, 3).map((m) => m.email).sort());
    const mail = await simpleParser(smtp.emails.find((e) => e.to[0] === members[0].email)!.raw);
    expect(mail.subject).toBe(`Hi ${members[0].email}`);
    expect(mail.html).toContain(members[0].id);
    expect(headerValue(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(headerValue(mail, 'x-se-send-job-id')).toBe(id);
  });
});
