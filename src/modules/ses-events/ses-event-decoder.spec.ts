import { addressEffectOf, decodeSesEvent, engineEventTypeOf, flatEventKind, messageStatusOf, outcomeOf, suppressionReasonOf } from './ses-event-decoder';

const TENANT = '0190b7a0-0000-7000-8000-000000000001';
const mail = (extra: Record<string, unknown> = {}) => ({
  timestamp: '2026-11-22T09:59:00.000Z',
  messageId: 'ses-msg-1',
  destination: ['A@Example.com', 'b@example.com'],
  tags: { tenant_id: [TENANT], send_job_id: ['job-1'], message_id: ['msg-1'] },
  ...extra,
});

describe('decodeSesEvent', () => {
  it('yields one event per bounced recipient with the bounce kind, tags and diagnostic detail', () => {
    const events = decodeSesEvent({
      eventType: 'Bounce',
      mail: mail(),
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        timestamp: '2026-11-22T10:00:00.000Z',
        bouncedRecipients: [
          { emailAddress: 'A@Example.com', status: '5.1.1', diagnosticCode: 'smtp; 550 no such user' },
          { emailAddress: 'c@example.com', status: '5.1.1' },
        ],
      },
    });
    expect(events.map((e) => e.email)).toEqual(['a@example.com', 'c@example.com']);
    expect(events[0]).toMatchObject({
      type: 'bounce',
      bounceKind: 'hard',
      sesMessageId: 'ses-msg-1',
      tags: { tenantId: TENANT, sendJobId: 'job-1', messageId: 'msg-1' },
      occurredAt: new Date('2026-11-22T10:00:00.000Z'),
      detail: { bounceType: 'Permanent', bounceSubType: 'General', recipient: { diagnosticCode: 'smtp; 550 no such user' } },
    });
    expect(events[0].detail).not.toHaveProperty('bouncedRecipients');
  });

  it('reads Transient and Undetermined bounces as soft', () => {
    for (const bounceType of ['Transient', 'Undetermined']) {
      const [e] = decodeSesEvent({ eventType: 'Bounce', mail: mail(), bounce: { bounceType, bouncedRecipients: [{ emailAddress: 'a@example.com' }] } });
      expect(e.bounceKind).toBe('soft');
    }
  });

  it('yields every complained recipient, and reads the older notificationType format without tags', () => {
    const events = decodeSesEvent({
      notificationType: 'Complaint',
      mail: { messageId: 'ses-2', destination: ['x@example.com'] },
      complaint: { complainedRecipients: [{ emailAddress: 'x@example.com' }, { emailAddress: 'y@example.com' }], complaintFeedbackType: 'abuse' },
    });
    expect(events.map((e) => [e.type, e.email, e.tags.tenantId])).toEqual([
      ['complaint', 'x@example.com', undefined],
      ['complaint', 'y@example.com', undefined],
    ]);
    expect(events[0].detail).toMatchObject({ complaintFeedbackType: 'abuse' });
  });

  it.each([
    ['Delivery', 'delivery', { delivery: { recipients: ['a@example.com'], timestamp: '2026-11-22T10:00:01.000Z' } }, ['a@example.com']],
    ['Send', 'send', { send: {} }, ['a@example.com', 'b@example.com']],
    ['Reject', 'reject', { reject: { reason: 'Bad content' } }, ['a@example.com', 'b@example.com']],
    ['Open', 'open', { open: { ipAddress: '192.0.2.1', userAgent: 'UA' } }, ['a@example.com', 'b@example.com']],
    ['Click', 'click', { click: { link: 'https://x.example/' } }, ['a@example.com', 'b@example.com']],
    ['DeliveryDelay', 'delivery_delay', { deliveryDelay: { delayType: 'MailboxFull', delayedRecipients: [{ emailAddress: 'b@example.com' }] } }, ['b@example.com']],
    ['Rendering Failure', 'rendering_failure', { failure: { errorMessage: 'x', templateName: 't' } }, ['a@example.com', 'b@example.com']],
    ['Subscription', 'subscription', { subscription: { contactList: 'l' } }, ['a@example.com', 'b@example.com']],
  ])('decodes %s', (eventType, type, body, emails) => {
    const events = decodeSesEvent({ eventType, mail: mail(), ...body });
    expect(events.map((e) => e.type)).toEqual(emails.map(() => type));
    expect(events.map((e) => e.email)).toEqual(emails);
  });

  it('falls back to the mail timestamp and ignores what is not an SES event', () => {
    expect(decodeSesEvent({ eventType: 'Send', mail: mail(), send: {} })[0].occurredAt).toEqual(new Date('2026-11-22T09:59:00.000Z'));
    expect(decodeSesEvent(null)).toEqual([]);
    expect(decodeSesEvent({ notificationType: 'AmazonSnsSubscriptionSucceeded', message: 'ok' })).toEqual([]);
    expect(decodeSesEvent({ eventType: 'Bounce', bounce: {} })).toEqual([]); // no mail.messageId
  });
});

describe('flatEventKind', () => {
  it('maps the flat event types', () => {
    expect(flatEventKind('hard_bounced')).toEqual({ type: 'bounce', bounceKind: 'hard' });
    expect(flatEventKind('soft_bounced')).toEqual({ type: 'bounce', bounceKind: 'soft' });
    expect(flatEventKind('bounce', 'hard')).toEqual({ type: 'bounce', bounceKind: 'hard' });
    expect(flatEventKind('bounce', 'soft')).toEqual({ type: 'bounce', bounceKind: 'soft' });
    expect(flatEventKind('bounce')).toEqual({ type: 'bounce', bounceKind: 'soft' });
    expect(flatEventKind('open')).toEqual({ type: 'open', bounceKind: null });
  });
});

describe('effects', () => {
  it('suppresses hard bounces, complaints and suppressions; counts soft bounces; nothing without an address', () => {
    expect(addressEffectOf({ type: 'bounce', bounceKind: 'hard', email: 'a@x' })).toBe('suppress');
    expect(addressEffectOf({ type: 'complaint', bounceKind: null, email: 'a@x' })).toBe('suppress');
    expect(addressEffectOf({ type: 'suppression', bounceKind: null, email: 'a@x' })).toBe('suppress');
    expect(addressEffectOf({ type: 'bounce', bounceKind: 'soft', email: 'a@x' })).toBe('count_soft_bounce');
    expect(addressEffectOf({ type: 'delivery', bounceKind: null, email: 'a@x' })).toBe('none');
    expect(addressEffectOf({ type: 'bounce', bounceKind: 'hard', email: null })).toBe('none');
  });

  it('names the outcome', () => {
    expect(outcomeOf(false, 'none', false)).toBe('unmatched');
    expect(outcomeOf(true, 'suppress', false)).toBe('suppressed');
    expect(outcomeOf(true, 'count_soft_bounce', false)).toBe('soft_bounce_counted');
    expect(outcomeOf(true, 'count_soft_bounce', true)).toBe('suppressed');
    expect(outcomeOf(true, 'none', false)).toBe('recorded');
  });

  it('names the reason, the engine event and the message status', () => {
    expect(suppressionReasonOf({ type: 'bounce' }, false)).toBe('hard_bounce');
    expect(suppressionReasonOf({ type: 'bounce' }, true)).toBe('soft_bounce_limit');
    expect(suppressionReasonOf({ type: 'complaint' }, false)).toBe('complaint');
    expect(suppressionReasonOf({ type: 'suppression' }, false)).toBe('ses_suppression');
    expect(engineEventTypeOf('click')).toBe('email.clicked');
    expect(engineEventTypeOf('send')).toBeNull();
    expect(messageStatusOf('send')).toBe('sent');
    expect(messageStatusOf('subscription')).toBeNull();
  });
});
