import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { CertificateError, SnsCertificates } from './sns-certificates';
import { hasValidSignature, isTrustedCertUrl, isTrustedSubscribeUrl, parseSnsMessage, signatureAlgorithm, SnsMessage } from './sns-message';

const unauthorized = (reason: string, message: string) => new AppError('unauthorized', message, { reason });

/**
 * Authenticates an SNS message. Every check that needs no network comes first — topic, signature version,
 * certificate URL, SubscribeURL — so a forged message never makes us fetch anything; only then is the
 * certificate fetched (cached) and the signature checked.
 */
@Injectable()
export class SnsVerifier {
  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly certificates: SnsCertificates,
  ) {}

  async verify(body: unknown): Promise<SnsMessage> {
    const message = parseSnsMessage(body);
    if (!message) throw unauthorized('malformed_sns_message', 'Not a complete Amazon SNS message');
    if (!this.config.SES_SNS_TOPIC_ARNS.includes(message.TopicArn)) {
      throw new AppError('forbidden', 'This SNS topic is not accepted', { reason: 'topic_not_allowed' });
    }
    if (!signatureAlgorithm(message.SignatureVersion)) {
      throw unauthorized('unsupported_signature_version', 'SignatureVersion must be 1 or 2');
    }
    const trusted = this.config.SNS_TRUSTED_CERT_URL_PREFIXES;
    if (!isTrustedCertUrl(message.SigningCertURL, trusted)) {
      throw unauthorized('untrusted_certificate_url', 'SigningCertURL is not an Amazon SNS certificate URL');
    }
    if (message.SubscribeURL !== undefined && !isTrustedSubscribeUrl(message.SubscribeURL, trusted)) {
      throw new AppError('forbidden', 'SubscribeURL is not an Amazon SNS URL', { reason: 'subscribe_url_not_allowed' });
    }
    if (!hasValidSignature(message, await this.certificate(message.SigningCertURL))) {
      throw unauthorized('bad_signature', 'The SNS signature does not verify');
    }
    return message;
  }

  private async certificate(url: string): Promise<string> {
    try {
      return await this.certificates.get(url);
    } catch (e) {
      // A transient failure answers 503 so SNS retries the delivery; a bad certificate is the sender's problem.
      if (e instanceof CertificateError && e.kind === 'unusable') throw unauthorized('certificate_unusable', e.message);
      throw new AppError('service_unavailable', 'The SNS signing certificate could not be fetched', { reason: 'certificate_unavailable' });
    }
  }
}
