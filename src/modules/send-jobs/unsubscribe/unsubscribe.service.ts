import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../../../common/errors/app-error';
import { AppConfig } from '../../../config/app-config';
import { SuppressionList } from '../../subscribers/suppression-list.service';
import { escapeHtml } from '../content/render';
import { UnsubscribeResponse } from './unsubscribe.dto';
import { unsubscribeKey, UnsubscribeClaims, verifyUnsubscribeToken } from './unsubscribe-token';

/** The engine's own unsubscribe endpoint: a confirmation page (GET) and RFC 8058 one-click (POST). */
@Injectable()
export class UnsubscribeService {
  private readonly key: Buffer;

  constructor(
    @Inject(AppConfig) config: AppConfig,
    private readonly memberships: SuppressionList,
  ) {
    this.key = unsubscribeKey(config.encryptionKey);
  }

  /** A small page whose button POSTs the same URL (mail scanners follow GET links; only a POST unsubscribes). */
  confirmationPage(token: string): string {
    this.verify(token);
    const action = `/unsubscribe/${escapeHtml(token)}`;
    return `<!doctype html><html><head><meta charset="utf-8"><title>Unsubscribe</title></head><body>
<h1>Unsubscribe</h1><p>Stop receiving emails from this list?</p>
<form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button></form></body></html>`;
  }

  /**
   * Makes the membership `unsubscribed` and publishes `subscriber.unsubscribed` (Subscribers' SuppressionList does
   * both in one transaction). Idempotent: a repeated POST answers the same and publishes nothing more.
   */
  async unsubscribe(token: string): Promise<UnsubscribeResponse> {
    const c = this.verify(token);
    await this.memberships.unsubscribe(c.tenantId, c.listId, c.subscriberId, 'one_click_unsubscribe');
    return { status: 'unsubscribed' };
  }

  private verify(token: string): UnsubscribeClaims {
    const claims = verifyUnsubscribeToken(this.key, token);
    if (!claims) throw new AppError('bad_request', 'The unsubscribe link is invalid', { reason: 'invalid_unsubscribe_token' });
    return claims;
  }
}
