import { canonicalString, isSnsShaped, isTrustedCertUrl, isTrustedSubscribeUrl, parseSnsMessage, signatureAlgorithm, SnsMessage } from './sns-message';

const notification: SnsMessage = {
  Type: 'Notification',
  MessageId: 'm-1',
  TopicArn: 'arn:aws:sns:us-east-1:123456789012:ses',
  Message: 'hello',
  Timestamp: '2026-11-22T10:00:00.000Z',
  SignatureVersion: '1',
  Signature: 'c2ln',
  SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem',
};

describe('canonicalString', () => {
  it('signs Notification fields in AWS order, without Subject when absent or null', () => {
    const expected = 'Message\nhello\nMessageId\nm-1\nTimestamp\n2026-11-22T10:00:00.000Z\nTopicArn\narn:aws:sns:us-east-1:123456789012:ses\nType\nNotification\n';
    expect(canonicalString(notification)).toBe(expected);
    expect(canonicalString({ ...notification, Subject: null })).toBe(expected);
  });

  it('includes Subject between MessageId and Timestamp when present', () => {
    expect(canonicalString({ ...notification, Subject: 'Hi' })).toContain('MessageId\nm-1\nSubject\nHi\nTimestamp\n');
  });

  it('signs SubscribeURL and Token for confirmations', () => {
    const confirmation = { ...notification, Type: 'SubscriptionConfirmation' as const, SubscribeURL: 'https://x', Token: 't' };
    expect(canonicalString(confirmation)).toBe(
      `Message\nhello\nMessageId\nm-1\nSubscribeURL\nhttps://x\nTimestamp\n2026-11-22T10:00:00.000Z\nToken\nt\nTopicArn\n${notification.TopicArn}\nType\nSubscriptionConfirmation\n`,
    );
  });
});

describe('parseSnsMessage', () => {
  it('accepts a complete message and refuses missing fields, unknown types and a non-string Subject', () => {
    expect(parseSnsMessage(notification)).toBe(notification);
    expect(parseSnsMessage({ ...notification, Signature: undefined })).toBeNull();
    expect(parseSnsMessage({ ...notification, Type: 'Other' })).toBeNull();
    expect(parseSnsMessage({ ...notification, Subject: 3 })).toBeNull();
    expect(parseSnsMessage({ ...notification, Type: 'SubscriptionConfirmation' })).toBeNull(); // no SubscribeURL/Token
    expect(parseSnsMessage('text')).toBeNull();
  });
});

describe('isSnsShaped', () => {
  it('tells SNS messages from flat events', () => {
    expect(isSnsShaped(notification, undefined)).toBe(true);
    expect(isSnsShaped({ event_type: 'bounce' }, 'Notification')).toBe(true);
    expect(isSnsShaped({ event_type: 'bounce' }, undefined)).toBe(false);
    expect(isSnsShaped(null, undefined)).toBe(false);
  });
});

describe('signatureAlgorithm', () => {
  it('maps 1 and 2 and refuses the rest', () => {
    expect(signatureAlgorithm('1')).toBe('RSA-SHA1');
    expect(signatureAlgorithm('2')).toBe('RSA-SHA256');
    expect(signatureAlgorithm('3')).toBeNull();
    expect(signatureAlgorithm('')).toBeNull();
  });
});

describe('isTrustedCertUrl', () => {
  it.each([
    'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem',
    'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem',
  ])('accepts %s', (url) => expect(isTrustedCertUrl(url)).toBe(true));

  it.each([
    ['plain http', 'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem'],
    ['S3', 'https://s3.amazonaws.com/SimpleNotificationService-abc.pem'],
    ['look-alike host', 'https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-abc.pem'],
    ['user info', 'https://evil@sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem'],
    ['port', 'https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-abc.pem'],
    ['default port spelled out', 'https://sns.us-east-1.amazonaws.com:443/SimpleNotificationService-abc.pem'],
    ['query', 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem?x=1'],
    ['empty query', 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem?'],
    ['fragment', 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem#x'],
    ['other path', 'https://sns.us-east-1.amazonaws.com/evil/SimpleNotificationService-abc.pem'],
    ['backslash trick', 'https://sns.us-east-1.amazonaws.com\\@evil.com/SimpleNotificationService-abc.pem'],
    ['short region', 'https://sns.a.amazonaws.com/SimpleNotificationService-abc.pem'],
    ['not a URL', 'sns.us-east-1.amazonaws.com'],
  ])('refuses %s', (_why, url) => expect(isTrustedCertUrl(url)).toBe(false));

  it('admits allow-listed prefixes (tests only), but only prefixes ending in / and never with user info', () => {
    expect(isTrustedCertUrl('http://127.0.0.1:4000/SimpleNotificationService-t.pem', ['http://127.0.0.1:4000/'])).toBe(true);
    expect(isTrustedCertUrl('http://127.0.0.1:40001/x.pem', ['http://127.0.0.1:4000'])).toBe(false);
    expect(isTrustedCertUrl('http://127.0.0.1:4000/x.pem', ['http://127.0.0.1:5000/'])).toBe(false);
    expect(isTrustedCertUrl('http://u@127.0.0.1:4000/x.pem', ['http://127.0.0.1:4000/'])).toBe(false);
  });
});

describe('isTrustedSubscribeUrl', () => {
  it('accepts an SNS host with the confirmation query and refuses anything else', () => {
    expect(isTrustedSubscribeUrl('https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=a&Token=t')).toBe(true);
    expect(isTrustedSubscribeUrl('http://169.254.169.254/latest/meta-data/')).toBe(false);
    expect(isTrustedSubscribeUrl('https://169.254.169.254/?Action=ConfirmSubscription')).toBe(false);
    expect(isTrustedSubscribeUrl('https://sns.us-east-1.amazonaws.com.evil.com/?Action=ConfirmSubscription')).toBe(false);
    expect(isTrustedSubscribeUrl('http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription')).toBe(false);
  });
});
