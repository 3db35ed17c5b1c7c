import { MailSendError } from '../mail/mail-transport';
import { callbackBody } from './job-completion';
import { claimsOf, jobEmail, settlementOf } from './job-runner';

describe('settlementOf', () => {
  it('fails a rejected recipient at once', () => {
    expect(settlementOf(new MailSendError('recipient', 'SES MessageRejected: bad address'), 1, 5)).toEqual({
      status: 'fatal',
      reason: 'SES MessageRejected: bad address',
    });
  });

  it('retries transient and account errors with backoff until the last attempt', () => {
    expect(settlementOf(new MailSendError('transient', 'SES TooManyRequestsException'), 1, 5, 0.5)).toEqual({
      status: 'retry',
      reason: 'SES TooManyRequestsException',
      delayMs: 1000,
    });
    expect(settlementOf(new MailSendError('account', 'SES SendingPausedException'), 2, 5, 0.5)).toMatchObject({ status: 'retry', delayMs: 2000 });
    expect(settlementOf(new MailSendError('transient', 'timeout'), 5, 5)).toEqual({ status: 'fatal', reason: 'gave up after 5 attempts: timeout' });
  });
});

describe('the job email and its callback body', () => {
  const job = { id: '01920c4e-5a7b-7c3d-8e9f-0a1b2c3d4e5f', tenantId: 't-1', attempts: 1, payload: { to: 'u@example.com', subject: 'Hi', body: 'Welcome!' } };

  it('tags the email so an SES event finds the job', () => {
    expect(jobEmail(job, 'f@example.com')).toEqual({
      from: 'f@example.com',
      to: 'u@example.com',
      subject: 'Hi',
      text: 'Welcome!',
      headers: {},
      tags: { tenant_id: 't-1', job_id: 'job_01920c4e5a7b7c3d8e9f0a1b2c3d4e5f', message_id: job.id },
      tracking: false,
    });
  });

  it('carries the public id, status, attempts, payload and completion time', () => {
    const completedAt = new Date('2025-08-20T10:02:00Z');
    const ended = { ...job, status: 'succeeded' as const, webhookUrl: 'https://c.example/h', failureReason: null, completedAt, callbackDeliveryId: null };
    expect(callbackBody(ended)).toEqual({
      jobId: 'job_01920c4e5a7b7c3d8e9f0a1b2c3d4e5f',
      status: 'succeeded',
      attempts: 1,
      payload: job.payload,
      completedAt: '2025-08-20T10:02:00.000Z',
    });
  });
});

describe('claimsOf', () => {
  const job = (id: string) => ({ id, tenantId: 't', payload: { to: `${id}@x.example`, subject: 's', body: 'b' }, attempts: 1 });

  it('answers each run of a batch in order: claimed or stale, with its suppression verdict', () => {
    expect(claimsOf(['a', 'b', 'c'], [job('c'), job('a')], new Set(['c']))).toEqual([
      { job: job('a'), suppressed: false },
      null,
      { job: job('c'), suppressed: true },
    ]);
  });

  it('gives a claim to the first of two runs of one job only, so a duplicate queue job never sends', () => {
    expect(claimsOf(['a', 'a'], [job('a')], new Set())).toEqual([{ job: job('a'), suppressed: false }, null]);
  });

  it('hands a failed suppression check to every claim (settled as not sent)', () => {
    const error = new Error('db down');
    expect(claimsOf(['a'], [job('a')], error)).toEqual([{ job: job('a'), suppressed: error }]);
  });
});
