import { MailFailureKind } from './mail-transport';

/** SES v2 error names that stop the whole account, not one recipient. */
const SES_ACCOUNT_ERRORS = new Set(['AccountSuspendedException', 'SendingPausedException', 'MailFromDomainNotVerifiedException']);
const SES_TRANSIENT_ERRORS = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
  'InternalFailure',
  'ServiceUnavailable',
  'InternalServiceErrorException',
]);

/** Classifies an SES v2 SDK error by its name and HTTP status; no status at all means a network failure. */
export function classifySesError(err: { name?: string; $metadata?: { httpStatusCode?: number } }): MailFailureKind {
  const name = err.name ?? '';
  const status = err.$metadata?.httpStatusCode;
  if (SES_ACCOUNT_ERRORS.has(name)) return 'account';
  if (SES_TRANSIENT_ERRORS.has(name)) return 'transient';
  if (status === undefined || status === 429 || status >= 500) return 'transient';
  return 'recipient';
}

/** Classifies a nodemailer SMTP error: 4xx replies and connection problems are retried, 5xx reject the recipient. */
export function classifySmtpError(err: { responseCode?: number; code?: string }): MailFailureKind {
  const code = err.responseCode;
  if (code === undefined) return 'transient';
  if (code >= 400 && code < 500) return 'transient';
  return 'recipient';
}
