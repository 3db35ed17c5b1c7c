import { classifySesError, classifySmtpError } from './classify-error';

describe('classifySesError', () => {
  it('retries throttling, 5xx and network errors', () => {
    expect(classifySesError({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } })).toBe('transient');
    expect(classifySesError({ name: 'Whatever', $metadata: { httpStatusCode: 503 } })).toBe('transient');
    expect(classifySesError({ name: 'TimeoutError' })).toBe('transient');
  });
  it('fails the recipient on a message rejection', () => {
    expect(classifySesError({ name: 'MessageRejected', $metadata: { httpStatusCode: 400 } })).toBe('recipient');
  });
  it('stops the account on suspension or paused sending', () => {
    expect(classifySesError({ name: 'SendingPausedException', $metadata: { httpStatusCode: 400 } })).toBe('account');
    expect(classifySesError({ name: 'AccountSuspendedException', $metadata: { httpStatusCode: 400 } })).toBe('account');
  });
});

describe('classifySmtpError', () => {
  it('retries 4xx and connection failures, fails the recipient on 5xx', () => {
    expect(classifySmtpError({ responseCode: 421 })).toBe('transient');
    expect(classifySmtpError({ code: 'ECONNECTION' })).toBe('transient');
    expect(classifySmtpError({ responseCode: 550 })).toBe('recipient');
  });
});
