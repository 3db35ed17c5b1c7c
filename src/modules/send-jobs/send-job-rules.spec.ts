import { sendJobRuleErrors, startTime } from './send-job-rules';

const base = { list_id: 'l', subject: 's' };

describe('sendJobRuleErrors', () => {
  it('refuses unknown merge tags, naming them per field', () => {
    const errors = sendJobRuleErrors({ ...base, subject: 'Hi {{firstname}}', body_html: '<p>{{email}} {{city}}</p>', template: { unsubscribe_url: 'https://x/{{tok}}' } });
    expect(errors.subject[0]).toMatch(/^unknown merge tag \{\{firstname\}\}; known tags: .*\{\{first_name\}\}/);
    expect(errors.body_html[0]).toMatch(/^unknown merge tag \{\{city\}\};/);
    expect(errors['template.unsubscribe_url'][0]).toMatch(/\{\{tok\}\}/);
    expect(sendJobRuleErrors({ ...base, subject: 'Hi {{first_name|there}}', body_text: '{{email}} {{unsubscribe_url}}' })).toEqual({});
  });

  it('needs a body or a template', () => {
    expect(sendJobRuleErrors(base)).toHaveProperty('body_html');
    expect(sendJobRuleErrors({ ...base, template: {} })).toHaveProperty('body_html');
    expect(sendJobRuleErrors({ ...base, body_text: 'x' })).toEqual({});
    expect(sendJobRuleErrors({ ...base, template: { ses_template_name: 'welcome' } })).toEqual({});
  });

  it('refuses a window that ends before or when it starts', () => {
    const w = { ...base, body_html: 'x', window_start: '2030-01-01T10:00:00Z' };
    expect(sendJobRuleErrors({ ...w, window_end: '2030-01-01T10:00:00Z' })).toHaveProperty('window_end');
    expect(sendJobRuleErrors({ ...w, window_end: '2030-01-01T09:00:00Z' })).toHaveProperty('window_end');
    expect(sendJobRuleErrors({ ...w, window_end: '2030-01-01T11:00:00Z' })).toEqual({});
  });
});

describe('startTime', () => {
  it('is the latest of now, scheduled_at and window_start', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    expect(startTime(now, {})).toEqual(now);
    expect(startTime(now, { scheduled_at: '2030-01-02T00:00:00Z', window_start: '2030-01-03T00:00:00Z' })).toEqual(new Date('2030-01-03T00:00:00Z'));
    expect(startTime(now, { scheduled_at: '2029-01-01T00:00:00Z' })).toEqual(now);
  });
});
