import { Injectable } from '@nestjs/common';
import { sha256Hex } from '../../../../common/crypto/secrets';
import { AppError } from '../../../../common/errors/app-error';
import { TenantsService } from '../../../tenants/tenants.service';
import { EventsService } from '../../events.service';
import { SubscriptionsService } from '../../subscriptions.service';
import { SendEventsResponse } from './marigold.dto';
import { MarigoldFilterSpec } from './marigold-filter';
import { MarigoldSubscriptionView, parseCloudEvents, parseSubscriptions, ReceivedCloudEvent, toSubscriptionView } from './marigold.mapper';

/** Subscriptions and events of this dialect carry `origin = 'marigold'`. */
export const MARIGOLD_ORIGIN = 'marigold';

/** A CloudEvent is identified by source + id (CloudEvents spec); hashed to bound the unique index's key size. */
export function cloudEventDedupKey(e: ReceivedCloudEvent): string {
  return `ce:${sha256Hex(JSON.stringify([e.attributes.source, e.attributes.id]))}`;
}

/** The Marigold (CloudEvents) dialect over the one service layer: parse and map, then the engine's own services. */
@Injectable()
export class MarigoldService {
  constructor(
    private readonly events: EventsService,
    private readonly subscriptions: SubscriptionsService,
    private readonly tenants: TenantsService,
  ) {}

  async sendEvents(tenantId: string, body: unknown): Promise<SendEventsResponse> {
    const received = parseCloudEvents(body);
    await this.assertOwnTenant(tenantId, received);
    const written = await this.events.ingestMany(
      received.map((e) => ({
        tenantId,
        type: e.attributes.type as string,
        payload: (e.data ?? null) as Record<string, unknown>,
        source: MARIGOLD_ORIGIN,
        attributes: e.attributes,
        dedupKey: cloudEventDedupKey(e),
      })),
    );
    return {
      events: written.map((w, i) => ({
        id: w.event.id,
        cloudevent_id: received[i].attributes.id as string,
        source: received[i].attributes.source as string,
        duplicate: !!w.duplicate,
      })),
    };
  }

  async list(tenantId: string): Promise<MarigoldSubscriptionView[]> {
    const set = await this.subscriptions.listDialectSet(tenantId, MARIGOLD_ORIGIN);
    return set.map((s) => toSubscriptionView({ url: s.url, spec: s.spec as unknown as MarigoldFilterSpec, headers: s.headers }));
  }

  async replace(tenantId: string, body: unknown): Promise<Record<string, never>> {
    const entries = parseSubscriptions(body).map((s) => ({
      url: s.targetUrl,
      format: 'cloudevents' as const,
      spec: s.spec as unknown as Record<string, unknown>,
      headers: s.headers,
    }));
    await this.subscriptions.replaceDialectSet(tenantId, MARIGOLD_ORIGIN, entries);
    return {};
  }

  remove(tenantId: string): Promise<void> {
    return this.subscriptions.removeDialectSet(tenantId, MARIGOLD_ORIGIN);
  }

  /** A `tenant` attribute must name the caller's tenant, by slug or id (any case): 403 otherwise, nothing stored. */
  private async assertOwnTenant(tenantId: string, events: ReceivedCloudEvent[]): Promise<void> {
    const named = events.map((e) => e.attributes.tenant).filter((t): t is string => typeof t === 'string');
    if (!named.length) return;
    const tenant = await this.tenants.require(tenantId);
    const own = new Set([tenant.id, tenant.slug].map((r) => r.toLowerCase()));
    const foreign = named.find((t) => !own.has(t.toLowerCase()));
    if (foreign !== undefined) {
      throw new AppError('forbidden', `The tenant attribute '${foreign}' is not the caller's tenant`, { reason: 'tenant_mismatch' });
    }
  }
}
