import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { SafeHttpClient } from '../../common/outbound/safe-http';
import { Page } from '../../common/pagination/cursor';
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

/** Subscriptions (endpoints) of a tenant: CRUD, pause/resume and secret rotation. */
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

  private async find(tenantId: string, id: string): Promise<WebhookSubscription> {
    const sub = await this.repo.findOne(tenantId, id);
    if (!sub) throw AppError.notFound('Subscription');
    return sub;
  }

  private assertUrl(url: string): void {
    const problem = this.http.urlProblem(url);
    if (problem) throw AppError.validation({ url: [problem] });
  }
}
