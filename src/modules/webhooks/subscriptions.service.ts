import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { SafeHttpClient } from '../../common/outbound/safe-http';
import { Page } from '../../common/pagination/cursor';
import { CustomHeader } from './custom-headers';
import { WebhookSubscription } from './entities/webhook-subscription.entity';
import { ROTATION_GRACE_MS, SubscriptionSecrets } from './subscription-secrets';
import { SubscriptionsRepository } from './subscriptions.repository';
import {
  CreateSubscriptionDto,
  ListSubscriptionsQueryDto,
  SubscriptionResponse,
  SubscriptionWithSecretResponse,
  UpdateSubscriptionDto,
} from './dialects/relay/relay.dto';

export function toSubscriptionResponse(s: WebhookSubscription): SubscriptionResponse {
  return {
    id: s.id,
    name: s.name,
    url: s.url,
    event_filter: s.eventFilter,
    state: s.state,
    consecutive_failures: s.consecutiveFailures,
    paused_at: s.pausedAt?.toISOString() ?? null,
    secret_rotated_at: s.secretRotatedAt?.toISOString() ?? null,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

/** One subscription a dialect creates on its own (flexEngage): its matching rules (`filter_spec`) and origin. */
export interface SingleDialectSubscription {
  url: string;
  origin: string;
  filterSpec: Record<string, unknown>;
  enabled: boolean;
  /** Which request field carries the URL, for the validation error. */
  urlField: string;
}

/** A subscription of a dialect that manages its subscriptions as one set per tenant (Marigold). */
export interface DialectSubscription {
  url: string;
  format: 'standard' | 'cloudevents';
  /** The dialect's matching (see subscription-match.ts). */
  spec: Record<string, unknown>;
  /** Plain values: sealed here before they are stored, opened for the owning tenant's reads. */
  headers: CustomHeader[];
}

/** Subscriptions (endpoints) of a tenant: CRUD, pause/resume and secret rotation; dialect sets. */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly repo: SubscriptionsRepository,
    private readonly secrets: SubscriptionSecrets,
    private readonly http: SafeHttpClient,
  ) {}

  async create(tenantId: string, dto: CreateSubscriptionDto): Promise<SubscriptionWithSecretResponse> {
    this.assertUrl(dto.url);
    const secret = this.secrets.generate();
    const sub = await this.repo.insert({ tenantId, name: dto.name ?? null, url: dto.url, eventFilter: dto.event_filter ?? '*', sealedSecret: secret.sealed });
    return { ...toSubscriptionResponse(sub), signing_secret: secret.plain };
  }

  /**
   * Creates a dialect's subscription unless `conflict` finds a reason among the tenant's subscriptions of that
   * origin with the same URL. Checked and inserted under a transaction-scoped lock on (tenant, origin, url), so
   * twin requests cannot both pass. Disabled at birth = paused. The signing secret is generated as for any
   * subscription (read it once through rotate-secret).
   */
  async createExclusive(
    tenantId: string,
    input: SingleDialectSubscription,
    conflict: (sameUrl: WebhookSubscription[]) => AppError | null,
  ): Promise<WebhookSubscription> {
    this.assertUrl(input.url, input.urlField);
    const secret = this.secrets.generate();
    return this.repo.insertUnlessConflict(tenantId, input.origin, input.url, conflict, {
      tenantId, url: input.url, origin: input.origin, filterSpec: input.filterSpec, sealedSecret: secret.sealed,
      state: input.enabled ? 'active' : 'paused', pausedAt: input.enabled ? null : new Date(),
    });
  }

  /** Every subscription of the tenant that `origin` created, oldest first (dialects that list without pages). */
  listByOrigin(tenantId: string, origin: string): Promise<WebhookSubscription[]> {
    return this.repo.listByOrigin(tenantId, origin);
  }

  /** The tenant's subscription `id` if `origin` created it. */
  findByOrigin(tenantId: string, id: string, origin: string): Promise<WebhookSubscription | null> {
    return this.repo.findOne(tenantId, id, origin);
  }

  async list(tenantId: string, query: ListSubscriptionsQueryDto): Promise<Page<SubscriptionResponse>> {
    const page = await this.repo.page(tenantId, { state: query.state }, query);
    return { data: page.data.map(toSubscriptionResponse), next_cursor: page.next_cursor };
  }

  async get(tenantId: string, id: string): Promise<SubscriptionResponse> {
    return toSubscriptionResponse(await this.find(tenantId, id));
  }

  async update(tenantId: string, id: string, dto: UpdateSubscriptionDto): Promise<SubscriptionResponse> {
    const sub = await this.find(tenantId, id);
    if (dto.url !== undefined) this.assertUrl(dto.url);
    if (dto.name !== undefined) sub.name = dto.name;
    if (dto.url !== undefined) sub.url = dto.url;
    if (dto.event_filter !== undefined) sub.eventFilter = dto.event_filter;
    return toSubscriptionResponse(await this.repo.save(sub));
  }

  /** Deliveries are kept for audit (they reference the id without a foreign key). */
  async remove(tenantId: string, id: string): Promise<void> {
    const sub = await this.find(tenantId, id);
    await this.repo.delete(tenantId, sub.id);
  }

  async pause(tenantId: string, id: string): Promise<SubscriptionResponse> {
    const sub = await this.find(tenantId, id);
    if (sub.state !== 'paused') Object.assign(sub, { state: 'paused', pausedAt: new Date() });
    return toSubscriptionResponse(await this.repo.save(sub));
  }

  /** Back to active from paused or disabled, with the failure count reset. */
  async resume(tenantId: string, id: string): Promise<SubscriptionResponse> {
    const sub = await this.find(tenantId, id);
    Object.assign(sub, { state: 'active', pausedAt: null, disabledAt: null, consecutiveFailures: 0 });
    return toSubscriptionResponse(await this.repo.save(sub));
  }

  async rotateSecret(tenantId: string, id: string): Promise<SubscriptionWithSecretResponse> {
    const sub = await this.find(tenantId, id);
    const secret = this.secrets.generate();
    const now = new Date();
    Object.assign(sub, {
      sealedPreviousSecret: sub.sealedSecret,
      previousSecretExpiresAt: new Date(now.getTime() + ROTATION_GRACE_MS),
      sealedSecret: secret.sealed,
      secretRotatedAt: now,
    });
    return { ...toSubscriptionResponse(await this.repo.save(sub)), signing_secret: secret.plain };
  }

  /**
   * Replaces the tenant's subscriptions of `origin` with `entries`, atomically. An entry keeps the row (id,
   * signing secret, pending deliveries) of an existing subscription to the same URL (the n-th entry for a URL takes
   * the n-th existing row for it), so re-sending a set does not rotate secrets; rows left over are deleted (their
   * deliveries are kept). Every entry comes back active; its position in the set is kept in `filter_spec`.
   */
  async replaceDialectSet(tenantId: string, origin: string, entries: DialectSubscription[]): Promise<void> {
    const errors = Object.fromEntries(
      entries.flatMap((e, i) => {
        const problem = this.http.urlProblem(e.url);
        return problem ? [[`[${i}].target_url`, [problem]]] : [];
      }),
    );
    if (Object.keys(errors).length) throw AppError.validation(errors, 'One or more validation errors occurred.');
    await this.repo.replaceOrigin(tenantId, origin, (current, create) => {
      const byUrl = new Map<string, WebhookSubscription[]>();
      for (const row of current) byUrl.set(row.url, [...(byUrl.get(row.url) ?? []), row]);
      return entries.map((e, position) =>
        Object.assign(byUrl.get(e.url)?.shift() ?? create({ tenantId, origin, url: e.url, sealedSecret: this.secrets.generate().sealed }), {
          format: e.format,
          eventFilter: '*',
          filterSpec: { ...e.spec, position },
          headers: this.secrets.sealHeaders(e.headers),
          state: 'active' as const,
          pausedAt: null,
          disabledAt: null,
          consecutiveFailures: 0,
        }),
      );
    });
  }

  /** The tenant's subscriptions of `origin`, in the order they were last put, header values opened. */
  async listDialectSet(tenantId: string, origin: string): Promise<(DialectSubscription & { id: string })[]> {
    const rows = await this.repo.ofOrigin(tenantId, origin);
    const position = (r: WebhookSubscription) => Number(r.filterSpec?.position ?? 0);
    return rows
      .sort((a, b) => position(a) - position(b))
      .map((r) => {
        const { position: _position, ...spec } = r.filterSpec ?? {};
        const headers = Object.entries(this.secrets.openHeaders(r.headers)).map(([name, value]) => ({ name, value }));
        return { id: r.id, url: r.url, format: r.format as DialectSubscription['format'], spec, headers };
      });
  }

  /** Deletes the tenant's subscriptions of `origin` (their deliveries are kept; pending ones are not sent). */
  removeDialectSet(tenantId: string, origin: string): Promise<void> {
    return this.repo.deleteOrigin(tenantId, origin);
  }

  private async find(tenantId: string, id: string): Promise<WebhookSubscription> {
    const sub = await this.repo.findOne(tenantId, id);
    if (!sub) throw AppError.notFound('Subscription');
    return sub;
  }

  private assertUrl(url: string, field = 'url'): void {
    const problem = this.http.urlProblem(url);
    if (problem) throw AppError.validation({ [field]: [field === 'url' ? problem : `${field} ${problem}`] }, `${field} ${problem}`);
  }
}
