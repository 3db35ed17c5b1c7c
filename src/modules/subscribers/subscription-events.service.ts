import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../common/errors/app-error';
import { assertTenantBound, MemberCenterCaller } from './member-center.guard';
import { normalizeEmail, SUPPRESSED_STATUS, SUPPRESSING_STATUSES } from './subscriber-status';
import { SubscriptionEventDto, SubscriptionEventResult } from './subscribers.dto';
import { SuppressionList } from './suppression-list.service';

/** Newer-wins profile upsert; `$5` null keeps the stored preferences. Returns a row only when applied. */
const UPSERT_PROFILE = `
INSERT INTO subscribers AS s (tenant_id, id, email, status, preferences, last_occurred_at)
SELECT $1, $2, $3, COALESCE(${SUPPRESSED_STATUS}, $4), COALESCE($5::jsonb, '{}'::jsonb), $6
FROM (SELECT 1) AS one
LEFT JOIN suppressions sup ON sup.tenant_id = $1 AND sup.email = $3 AND sup.lifted_at IS NULL
ON CONFLICT (tenant_id, id) DO UPDATE
SET email = EXCLUDED.email, status = EXCLUDED.status, preferences = COALESCE($5::jsonb, s.preferences),
    last_occurred_at = EXCLUDED.last_occurred_at, updated_at = now()
WHERE s.last_occurred_at <= EXCLUDED.last_occurred_at
RETURNING id`;

/** Newer-wins membership upsert; a suppressed address keeps its suppression status. Returns a row only when applied. */
const UPSERT_MEMBERSHIP = `
INSERT INTO list_memberships AS m (id, tenant_id, list_id, subscriber_id, status, reason, last_occurred_at)
SELECT $1, $2, $3, $4, COALESCE(${SUPPRESSED_STATUS}, $5), sup.reason, $6
FROM (SELECT 1) AS one
LEFT JOIN suppressions sup ON sup.tenant_id = $2 AND sup.email = $7 AND sup.lifted_at IS NULL
ON CONFLICT (tenant_id, list_id, subscriber_id) DO UPDATE
SET status = EXCLUDED.status, reason = EXCLUDED.reason, last_occurred_at = EXCLUDED.last_occurred_at, updated_at = now()
WHERE m.last_occurred_at <= EXCLUDED.last_occurred_at
RETURNING status`;

/**
 * `POST /webhooks/subscriptions`: each event id once (the claim, the effect and the engine events commit in one
 * transaction; a parallel duplicate waits on the claim's key and then gets 409), newer-wins per membership.
 */
@Injectable()
export class SubscriptionEventsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly suppressions: SuppressionList,
  ) {}

  async receive(caller: MemberCenterCaller, dto: SubscriptionEventDto): Promise<SubscriptionEventResult> {
    assertTenantBound(caller, dto.tenant_id);
    const event = {
      id: dto.event_id.toLowerCase(),
      type: dto.event_type,
      tenantId: dto.tenant_id.toLowerCase(),
      listId: dto.list_id.toLowerCase(),
      subscriberId: dto.subscriber.id.toLowerCase(),
      email: normalizeEmail(dto.subscriber.email),
      status: dto.subscriber.status,
      preferences: dto.subscriber.preferences,
      occurredAt: new Date(dto.occurred_at),
    };
    return this.dataSource.transaction(async (m) => {
      const claimed: unknown[] = await m.query(
        `INSERT INTO inbound_events (tenant_id, event_id, event_type, list_id, subscriber_id, occurred_at, outcome)
         VALUES ($1, $2, $3, $4, $5, $6, 'applied') ON CONFLICT DO NOTHING RETURNING event_id`,
        [event.tenantId, event.id, event.type, event.listId, event.subscriberId, event.occurredAt],
      );
      if (claimed.length === 0) {
        throw new AppError('duplicate_event', `Event ${event.id} was already received`, { reason: 'duplicate_event' });
      }
      const applied = await this.apply(m, event);
      if (!applied) {
        await m.query(`UPDATE inbound_events SET outcome = 'ignored_out_of_order' WHERE tenant_id = $1 AND event_id = $2`, [
          event.tenantId,
          event.id,
        ]);
      }
      return { event_id: event.id, status: applied ? 'applied' : 'ignored_out_of_order' };
    });
  }

  /** Returns false when the event is older than what was already applied. */
  private async apply(m: EntityManager, e: AppliedEvent): Promise<boolean> {
    await m.query('INSERT INTO lists (tenant_id, id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [e.tenantId, e.listId]);
    // preferences.updated replaces them (absent = none); the membership events keep them unless given
    const preferences = e.type === 'preferences.updated' ? (e.preferences ?? {}) : (e.preferences ?? null);
    const profile: unknown[] = await m.query(UPSERT_PROFILE, [e.tenantId, e.subscriberId, e.email, e.status, preferences, e.occurredAt]);
    if (e.type === 'preferences.updated') {
      if (profile.length) await this.recordReportedSuppression(m, e);
      return profile.length > 0;
    }

    const target = e.type === 'subscription.activated' ? 'active' : 'unsubscribed';
    const membership: { status: string }[] = await m.query(UPSERT_MEMBERSHIP, [
      uuidv7(),
      e.tenantId,
      e.listId,
      e.subscriberId,
      target,
      e.occurredAt,
      e.email,
    ]);
    if (membership.length === 0) return false;
    if (membership[0].status === 'unsubscribed') {
      await this.suppressions.publishUnsubscribed(m, { ...e, reason: 'member_center' });
    }
    await this.recordReportedSuppression(m, e);
    return true;
  }

  /** Member Center saying an address bounced/complained/is suppressed puts it on the suppression list. */
  private async recordReportedSuppression(m: EntityManager, e: AppliedEvent): Promise<void> {
    if (SUPPRESSING_STATUSES.includes(e.status)) await this.suppressions.suppress(e.tenantId, e.email, 'member_center', 'member_center', m);
  }
}

interface AppliedEvent {
  id: string;
  type: SubscriptionEventDto['event_type'];
  tenantId: string;
  listId: string;
  subscriberId: string;
  email: string;
  status: SubscriptionEventDto['subscriber']['status'];
  preferences?: Record<string, unknown>;
  occurredAt: Date;
}
