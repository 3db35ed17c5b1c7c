import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '../../../common/errors/app-error';
import { AppConfig } from '../../../config/app-config';
import { EngineEvents } from '../../webhooks/engine-events';
import { escapeHtml } from '../content/render';
import { unsubscribeKey, UnsubscribeClaims, verifyUnsubscribeToken } from './unsubscribe-token';

/** The engine's own unsubscribe endpoint: a confirmation page (GET) and RFC 8058 one-click (POST). */
@Injectable()
export class UnsubscribeService {
  private readonly key: Buffer;

  constructor(
    @Inject(AppConfig) config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: EngineEvents,
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
   * Makes the membership `unsubscribed` and publishes `subscriber.unsubscribed` in one transaction.
   * Idempotent: a repeated POST answers the same and publishes nothing more.
   * Minimal SQL on the subscribers tables until the Subscribers module exports a membership service.
   */
  async unsubscribe(token: string): Promise<{ status: 'unsubscribed' }> {
    const c = this.verify(token);
    await this.db.transaction(async (manager) => {
      const [rows] = (await manager.query(
        `UPDATE list_memberships
         SET status = 'unsubscribed', reason = 'one_click_unsubscribe', last_occurred_at = greatest(last_occurred_at, now()), updated_at = now()
         WHERE tenant_id = $1 AND list_id = $2 AND subscriber_id = $3 AND status = 'active' RETURNING id`,
        [c.tenantId, c.listId, c.subscriberId],
      )) as [unknown[], number];
      if (!rows.length) return;
      await this.events.publish(
        {
          tenantId: c.tenantId,
          type: 'subscriber.unsubscribed',
          data: { list_id: c.listId, subscriber_id: c.subscriberId, send_job_id: c.sendJobId, source: 'one_click' },
        },
        manager,
      );
    });
    return { status: 'unsubscribed' };
  }

  private verify(token: string): UnsubscribeClaims {
    const claims = verifyUnsubscribeToken(this.key, token);
    if (!claims) throw new AppError('bad_request', 'The unsubscribe link is invalid', { reason: 'invalid_unsubscribe_token' });
    return claims;
  }
}
