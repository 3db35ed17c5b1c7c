import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { assertTenantBound, MemberCenterCaller } from './member-center.guard';
import { normalizeEmail, SUPPRESSING_STATUSES } from './subscriber-status';
import { MemberCenterEventRow, SubscribersRepository } from './subscribers.repository';
import { SubscriptionEventDto, SubscriptionEventResult } from './subscribers.dto';
import { SuppressionList } from './suppression-list.service';

/**
 * `POST /webhooks/subscriptions`: each event id once (the claim, the effect and the engine events commit in one
 * transaction; a parallel duplicate waits on the claim's key and then gets 409), newer-wins per membership.
 */
@Injectable()
export class SubscriptionEventsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly suppressions: SuppressionList,
    private readonly subscribers: SubscribersRepository,
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
      if (!(await this.subscribers.claimEvent(m, event))) {
        throw new AppError('duplicate_event', `Event ${event.id} was already received`, { reason: 'duplicate_event' });
      }
      const applied = await this.apply(m, event);
      if (!applied) await this.subscribers.markEventIgnored(m, event.tenantId, event.id);
      return { event_id: event.id, status: applied ? 'applied' : 'ignored_out_of_order' };
    });
  }

  /** Returns false when the event is older than what was already applied. */
  private async apply(m: EntityManager, e: AppliedEvent): Promise<boolean> {
    await this.subscribers.ensureList(e.tenantId, e.listId, m);
    // preferences.updated replaces them (absent = none); the membership events keep them unless given
    const preferences = e.type === 'preferences.updated' ? (e.preferences ?? {}) : (e.preferences ?? null);
    const profileApplied = await this.subscribers.upsertProfile(m, e, e.status, preferences);
    if (e.type === 'preferences.updated') {
      if (profileApplied) await this.recordReportedSuppression(m, e);
      return profileApplied;
    }

    const target = e.type === 'subscription.activated' ? 'active' : 'unsubscribed';
    const membership = await this.subscribers.upsertMembership(m, e, target);
    if (membership === null) return false;
    if (membership === 'unsubscribed') {
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

interface AppliedEvent extends MemberCenterEventRow {
  type: SubscriptionEventDto['event_type'];
  status: SubscriptionEventDto['subscriber']['status'];
  preferences?: Record<string, unknown>;
}
