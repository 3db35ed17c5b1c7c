import { AppConfig } from '../../config/app-config';
import { AppError } from '../../common/errors/app-error';
import { createSnsKeyPair, signSns, SnsKeyPair, UnsignedSnsMessage } from '../../../test/support/sns';
import { CertificateError, CertificateFetcher, SnsCertificates } from './sns-certificates';
import { SnsVerifier } from './sns-verifier';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ses-events';
const CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc123.pem';

class FakeFetcher extends CertificateFetcher {
  fetched: string[] = [];
  constructor(private readonly answer: () => Promise<string>) {
    super();
  }
  fetch(url: string): Promise<string> {
    this.fetched.push(url);
    return this.answer();
  }
}

const base = (over: Partial<UnsignedSnsMessage> = {}): UnsignedSnsMessage => ({
  Type: 'Notification',
  MessageId: 'msg-1',
  TopicArn: TOPIC,
  Message: '{"eventType":"Delivery"}',
  Timestamp: '2026-11-22T10:00:00.000Z',
  SignatureVersion: '2',
  SigningCertURL: CERT_URL,
  ...over,
});

async function reason(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return e instanceof AppError ? `${e.status}:${e.options.reason}` : 'other';
  }
  return undefined;
}

describe('SnsVerifier', () => {
  let keys: SnsKeyPair;
  let other: SnsKeyPair;
  let fetcher: FakeFetcher;
  let certificates: SnsCertificates;
  let verifier: SnsVerifier;

  beforeAll(async () => {
    [keys, other] = await Promise.all([createSnsKeyPair(), createSnsKeyPair()]);
  });
  beforeEach(() => {
    fetcher = new FakeFetcher(async () => keys.certPem);
    certificates = new SnsCertificates(fetcher);
    const config = { SES_SNS_TOPIC_ARNS: [TOPIC], SNS_TRUSTED_CERT_URL_PREFIXES: [] } as unknown as AppConfig;
    verifier = new SnsVerifier(config, certificates);
  });

  it('accepts versions 1 and 2, with and without Subject, and unicode and newlines in Message', async () => {
    for (const m of [base({ SignatureVersion: '1' }), base(), base({ Subject: 'Amazon SES' }), base({ Subject: null }), base({ Message: 'Grüße 🚀\nline 2\r\n' })]) {
      await expect(verifier.verify(signSns(m, keys.keyPem))).resolves.toMatchObject({ MessageId: 'msg-1' });
    }
  });

  it('refuses a changed byte, a wrong key and version 3', async () => {
    const signed = signSns(base(), keys.keyPem);
    expect(await reason(verifier.verify({ ...signed, Message: signed.Message.replace('D', 'd') }))).toBe('401:bad_signature');
    expect(await reason(verifier.verify(signSns(base(), other.keyPem)))).toBe('401:bad_signature');
    expect(await reason(verifier.verify({ ...signSns(base(), keys.keyPem), SignatureVersion: '3' }))).toBe('401:unsupported_signature_version');
  });

  it('checks topic, certificate URL and SubscribeURL before fetching anything', async () => {
    expect(await reason(verifier.verify(signSns(base({ TopicArn: 'arn:aws:sns:us-east-1:999999999999:other' }), keys.keyPem)))).toBe('403:topic_not_allowed');
    expect(await reason(verifier.verify(signSns(base({ SigningCertURL: 'https://s3.amazonaws.com/SimpleNotificationService-a.pem' }), keys.keyPem)))).toBe(
      '401:untrusted_certificate_url',
    );
    const confirmation = base({ Type: 'SubscriptionConfirmation', SubscribeURL: 'http://169.254.169.254/latest/meta-data/', Token: 't' });
    expect(await reason(verifier.verify(signSns(confirmation, keys.keyPem)))).toBe('403:subscribe_url_not_allowed');
    expect(await reason(verifier.verify({ Type: 'Notification' }))).toBe('401:malformed_sns_message');
    expect(fetcher.fetched).toEqual([]);
  });

  it('maps certificate failures: transient → 503, unusable → 401', async () => {
    fetcher = new FakeFetcher(async () => Promise.reject(new CertificateError('unavailable', 'timeout')));
    const config = { SES_SNS_TOPIC_ARNS: [TOPIC], SNS_TRUSTED_CERT_URL_PREFIXES: [] } as unknown as AppConfig;
    expect(await reason(new SnsVerifier(config, new SnsCertificates(fetcher)).verify(signSns(base(), keys.keyPem)))).toBe('503:certificate_unavailable');
    fetcher = new FakeFetcher(async () => 'not a certificate');
    expect(await reason(new SnsVerifier(config, new SnsCertificates(fetcher)).verify(signSns(base(), keys.keyPem)))).toBe('401:certificate_unusable');
  });
});

describe('SnsCertificates', () => {
  let keys: SnsKeyPair;
  beforeAll(async () => {
    keys = await createSnsKeyPair();
  });

  it('fetches once per URL within the TTL, again after it, and not at all for concurrent twins', async () => {
    const fetcher = new FakeFetcher(async () => keys.certPem);
    const certificates = new SnsCertificates(fetcher);
    let now = 1_000_000;
    certificates.now = () => now;
    await Promise.all([certificates.get(CERT_URL), certificates.get(CERT_URL)]);
    await certificates.get(CERT_URL);
    expect(fetcher.fetched).toHaveLength(1);
    now += 60 * 60 * 1000 + 1;
    await certificates.get(CERT_URL);
    expect(fetcher.fetched).toHaveLength(2);
  });

  it('does not cache a failure', async () => {
    let calls = 0;
    const fetcher = new FakeFetcher(async () => (++calls === 1 ? Promise.reject(new CertificateError('unavailable', 'down')) : keys.certPem));
    const certificates = new SnsCertificates(fetcher);
    await expect(certificates.get(CERT_URL)).rejects.toBeInstanceOf(CertificateError);
    await expect(certificates.get(CERT_URL)).resolves.toContain('BEGIN CERTIFICATE');
  });
});
