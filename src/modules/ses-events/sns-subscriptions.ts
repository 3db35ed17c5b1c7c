import { Injectable } from '@nestjs/common';
import { request } from 'undici';
import { AppError } from '../../common/errors/app-error';

const CONFIRM_TIMEOUT_MS = 5000;

/**
 * Confirms an SNS subscription by GETting its SubscribeURL (already checked to be an SNS host). No redirects are
 * followed (undici's `request` follows none). A failure answers 503 so SNS sends the confirmation again.
 */
@Injectable()
export class SnsSubscriptions {
  async confirm(subscribeUrl: string): Promise<void> {
    let status: number;
    try {
      const res = await request(subscribeUrl, { method: 'GET', headersTimeout: CONFIRM_TIMEOUT_MS, bodyTimeout: CONFIRM_TIMEOUT_MS, signal: AbortSignal.timeout(CONFIRM_TIMEOUT_MS) });
      status = res.statusCode;
      await res.body.dump();
    } catch {
      status = 0;
    }
    if (status !== 200) {
      throw new AppError('service_unavailable', 'The SNS subscription could not be confirmed', { reason: 'subscription_confirmation_failed' });
    }
  }
}
