import { Injectable } from '@nestjs/common';
import { hasRole, Principal } from '../../../../common/auth/principal';
import { AppError } from '../../../../common/errors/app-error';
import { isUuid } from '../../../../common/http/parse-id.pipe';
import { DeliveriesService } from '../../../deliveries/deliveries.service';
import { DeliveriesRepository } from '../../../deliveries/deliveries.repository';
import { TenantsService } from '../../../tenants/tenants.service';
import { WebhookSubscription } from '../../entities/webhook-subscription.entity';
import { EventsService } from '../../events.service';
import { SubscriptionsService } from '../../subscriptions.service';
import {
  CreateFlexEngageWebhookDto, DEFAULT_PAGE_SIZE, FlexEngageEventDetail, FlexEngageEventsPage, FlexEngageEventsQueryDto,
  FlexEngageWebhookResponse, PatchFlexEngageWebhookDto,
} from './flexengage.dto';
import { filterSpecOf, toEventDetail, toEventsPage, toWebhookResponse, typesOf } from './flexengage.mapper';
import { normalizeTypes, sameTypeSet } from './flexengage-types';

export const FLEXENGAGE_ORIGIN = 'flexengage';

/** The caller and the brand its path names. */
export interface BrandRequest {
  principal: Principal;
  brandId: string;
}

/** The 404 sentences of the flexEngage API, per route (an unknown or foreign brand reads the same: no leak). */
const NOT_FOUND = {
  list: () => 'No webhooks with that brand ID were found',
  webhook: (id: string, brandId: string) => `A webhook with ID: ${id} for brandId: ${brandId} was not found`,
  toggle: () => 'No webhook with that brand ID was found',
  remove: () => 'No webhooks with that brand ID were found',
  events: () => 'No webhook with that brand ID was found',
  event: () => 'No event with that ID was found',
};
const notFound = (description: string) => new AppError('not_found', description);

/**
 * The flexEngage webhooks API over the one engine: a webhook is a subscription with origin `flexengage` and its
 * types in `filter_spec`; its events, attempts and retries are the engine's deliveries.
 */
@Injectable()
export class FlexEngageService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly subscriptions: SubscriptionsService,
    private readonly events: EventsService,
    private readonly log: DeliveriesRepository,
    private readonly deliveries: DeliveriesService,
  ) {}

  async create(req: BrandRequest, dto: CreateFlexEngageWebhookDto): Promise<FlexEngageWebhookResponse> {
    const tenantId = await this.brand(req, NOT_FOUND.list());
    const types = normalizeTypes(dto.events);
    const sub = await this.subscriptions.createExclusive(
      tenantId,
      { url: dto.endpoint, origin: FLEXENGAGE_ORIGIN, filterSpec: { ...filterSpecOf(types) }, enabled: dto.enabled ?? true, urlField: 'endpoint' },
      (sameUrl) =>
        sameUrl.some((s) => sameTypeSet(typesOf(s), types))
          ? new AppError('conflict', `A webhook for endpoint: ${dto.endpoint} and eventTypes: ${JSON.stringify(types)} already exists`)
          : null,
    );
    return toWebhookResponse(sub);
  }

  /** That API answers 404 for a brand without webhooks, rather than an empty list; its clients expect it. */
  async list(req: BrandRequest): Promise<FlexEngageWebhookResponse[]> {
    const tenantId = await this.brand(req, NOT_FOUND.list());
    const subs = await this.subscriptions.listByOrigin(tenantId, FLEXENGAGE_ORIGIN);
    if (!subs.length) throw notFound(NOT_FOUND.list());
    return subs.map(toWebhookResponse);
  }

  async get(req: BrandRequest, id: string): Promise<FlexEngageWebhookResponse> {
    return toWebhookResponse(await this.webhook(req, id, NOT_FOUND.webhook(id, req.brandId)));
  }

  /** Disabled = paused: nothing is sent (queued deliveries settle as `subscription_paused`); enabled resumes. */
  async toggle(req: BrandRequest, id: string, dto: PatchFlexEngageWebhookDto): Promise<void> {
    const sub = await this.webhook(req, id, NOT_FOUND.toggle());
    if (dto.enabled) await this.subscriptions.resume(sub.tenantId, sub.id);
    else await this.subscriptions.pause(sub.tenantId, sub.id);
  }

  /** Delivery history is kept (deliveries outlive their subscription). */
  async remove(req: BrandRequest, id: string): Promise<void> {
    const sub = await this.webhook(req, id, NOT_FOUND.remove());
    await this.subscriptions.remove(sub.tenantId, sub.id);
  }

  async eventLog(req: BrandRequest, id: string, query: FlexEngageEventsQueryDto): Promise<FlexEngageEventsPage> {
    const sub = await this.webhook(req, id, NOT_FOUND.events());
    const start = query.start ? new Date(query.start) : undefined;
    const end = query.end ? new Date(query.end) : undefined;
    if (start && end && start >= end) throw AppError.validation({ end: ['end must be after start'] }, 'There are errors in the request');
    const size = query.size ?? DEFAULT_PAGE_SIZE;
    const entries = await this.log.pageForSubscription(sub.tenantId, sub.id, { limit: size + 1, start, end, afterEventId: query.startId?.toLowerCase() });
    const events = await this.events.findByIds(sub.tenantId, entries.map((e) => e.eventId));
    return toEventsPage(entries, events, size, query.startId?.toLowerCase() ?? null);
  }

  async event(req: BrandRequest, id: string, eventId: string): Promise<FlexEngageEventDetail> {
    const { sub, delivery } = await this.delivery(req, id, eventId);
    const [attempts, events] = await Promise.all([this.log.attemptsOf(delivery.id), this.events.findByIds(sub.tenantId, [eventId])]);
    const event = events.get(delivery.eventId ?? '');
    if (!event) throw notFound(NOT_FOUND.event());
    return toEventDetail(delivery, attempts, event);
  }

  /** One more attempt, numbered after the last (never reset), in any state: the engine's resend path. */
  async retry(req: BrandRequest, id: string, eventId: string): Promise<void> {
    const { delivery } = await this.delivery(req, id, eventId);
    await this.deliveries.resend(delivery);
  }

  private async delivery(req: BrandRequest, id: string, eventId: string) {
    const sub = await this.webhook(req, id, NOT_FOUND.webhook(id, req.brandId));
    const delivery = isUuid(eventId) ? await this.log.findForSubscriptionEvent(sub.tenantId, sub.id, eventId.toLowerCase()) : null;
    if (!delivery) throw notFound(NOT_FOUND.event());
    return { sub, delivery };
  }

  private async webhook(req: BrandRequest, id: string, description: string): Promise<WebhookSubscription> {
    const tenantId = await this.brand(req, description);
    const sub = isUuid(id) ? await this.subscriptions.findByOrigin(tenantId, id.toLowerCase(), FLEXENGAGE_ORIGIN) : null;
    if (!sub) throw notFound(description);
    return sub;
  }

  /**
   * The tenant the path's brandId names, when the caller may act in it: its own tenant (by id or slug); a
   * platform admin any tenant. Anything else is the route's 404, never a 403.
   */
  private async brand({ principal, brandId }: BrandRequest, description: string): Promise<string> {
    if (principal.tenantId && brandId.toLowerCase() === principal.tenantId) return principal.tenantId;
    const tenant = await this.tenants.findByIdOrSlug(brandId);
    if (!tenant || (tenant.id !== principal.tenantId && !hasRole(principal, 'admin'))) throw notFound(description);
    return tenant.id;
  }
}
