import { SendJob } from '../send-job.entity';
import { composeEmail } from './compose-email';

const job = {
  id: 'job-1',
  tenantId: 'tenant-1',
  listId: 'list-1',
  subject: 'Hi {{subscriber.preferences.name}}',
  bodyHtml: '<a href="{{unsubscribe_url}}">out</a>',
  bodyText: null,
  template: null,
  tracking: {},
} as unknown as SendJob;
const msg = { id: 'msg-1', subscriberId: 'sub-1', email: 'a@example.com', preferences: { name: 'Ann' } };
const opts = { from: 'f@example.com', publicBaseUrl: 'https://engine.example/', unsubscribeToken: 'TOK' };

describe('composeEmail', () => {
  it('adds the one-click headers, tags and the engine link', () => {
    const e = composeEmail(job, msg, opts);
    expect(e.subject).toBe('Hi Ann');
    expect(e.html).toBe('<a href="https://engine.example/unsubscribe/TOK">out</a>');
    expect(e.headers).toEqual({ 'List-Unsubscribe': '<https://engine.example/unsubscribe/TOK>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    expect(e.tags).toEqual({ tenant_id: 'tenant-1', send_job_id: 'job-1', message_id: 'msg-1' });
    expect(e.tracking).toBe(false);
  });

  it('uses template.unsubscribe_url for the content link, the mailto and the SES template', () => {
    const t = { ...job, tracking: { open: true }, template: { unsubscribe_url: 'https://mc.example/u?t={{unsubscribe_token}}', unsubscribe_mailto: 'u@e.example', ses_template_name: 'welcome' } } as SendJob;
    const e = composeEmail(t, msg, opts);
    expect(e.html).toBe('<a href="https://mc.example/u?t=TOK">out</a>');
    expect(e.headers['List-Unsubscribe']).toBe('<https://engine.example/unsubscribe/TOK>, <mailto:u@e.example>');
    expect(e.sesTemplate).toMatchObject({ name: 'welcome', data: { unsubscribe_token: 'TOK' } });
    expect(e.tracking).toBe(true);
  });
});
