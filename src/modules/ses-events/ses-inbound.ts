import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { hmacSha256, safeEqual } from '../../common/crypto/secrets';
import { AppError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { isSnsShaped, SnsMessage } from './sns-message';
import { SnsVerifier } from './sns-verifier';

/** A request to POST /webhooks/ses after authentication: which form it was and what it carried. */
export type SesInbound = { form: 'sns'; message: SnsMessage } | { form: 'flat'; body: unknown };

type SesRequest = FastifyRequest & { rawBody?: Buffer; sesInbound?: SesInbound };

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** The flat form's `X-Amz-Sns-Signature: sha256=<hex HMAC-SHA256 of the raw body>` check. */
export function hasValidFlatSignature(header: string | undefined, rawBody: Buffer, secret: string): boolean {
  const hex = SIGNATURE.exec(header ?? '')?.[1];
  return !!hex && safeEqual(Buffer.from(hex.toLowerCase(), 'hex'), hmacSha256(secret, rawBody));
}

/**
 * Guards POST /webhooks/ses. The request's shape picks the form: an SNS message is verified by its RSA signature
 * (SnsVerifier), anything else must carry the flat form's HMAC. The authenticated input is left on the request
 * for the handler (`@SesInput()`).
 */
@Injectable()
export class SesSignatureGuard implements CanActivate {
  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly sns: SnsVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<SesRequest>();
    const typeHeader = req.headers['x-amz-sns-message-type'];
    if (isSnsShaped(req.body, typeof typeHeader === 'string' ? typeHeader : undefined)) {
      req.sesInbound = { form: 'sns', message: await this.sns.verify(req.body) };
      return true;
    }
    const header = req.headers['x-amz-sns-signature'];
    const secret = this.config.SES_EVENTS_HMAC_SECRET;
    if (typeof header !== 'string' || header === '') {
      throw new AppError('unauthorized', 'X-Amz-Sns-Signature is required', { reason: 'missing_signature' });
    }
    // Without a configured secret no flat event can be authentic: refuse them all rather than accept any.
    if (!secret || !hasValidFlatSignature(header, req.rawBody ?? Buffer.alloc(0), secret)) {
      throw new AppError('unauthorized', 'The signature does not match the body', { reason: 'bad_signature' });
    }
    req.sesInbound = { form: 'flat', body: req.body };
    return true;
  }
}

/** The input SesSignatureGuard authenticated. */
export const SesInput = createParamDecorator((_: unknown, ctx: ExecutionContext): SesInbound => {
  const inbound = ctx.switchToHttp().getRequest<SesRequest>().sesInbound;
  if (!inbound) throw new AppError('unauthorized', 'Unauthenticated SES event');
  return inbound;
});
