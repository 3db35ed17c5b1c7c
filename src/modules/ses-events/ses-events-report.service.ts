import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Page, paginate } from '../../common/pagination/cursor';
import { rateWindow, SES_REVIEW_THRESHOLDS, WindowCounts } from './deliverability';
import { SesEvent } from './ses-event.entity';
import { DeliverabilityResponse, ListSesEventsQuery, SesEventResponse } from './ses-events.dto';

const WINDOWS = [
  { window: '24h', ms: 86_400_000 },
  { window: '7d', ms: 7 * 86_400_000 },
] as const;

/** The operator's view: a tenant's SES events and its bounce and complaint rates next to SES's thresholds. */
@Injectable()
export class SesEventsReportService {
  constructor(@InjectRepository(SesEvent) private readonly events: Repository<SesEvent>) {}

  list(tenantId: string, query: ListSesEventsQuery): Promise<Page<SesEventResponse>> {
    const qb = this.events.createQueryBuilder('e').where('e.tenant_id = :tenantId', { tenantId });
    if (query.type) qb.andWhere('e.type = :type', { type: query.type });
    if (query.email) qb.andWhere('e.email = :email', { email: query.email.trim().toLowerCase() });
    return paginate(qb, query, toResponse);
  }

  async deliverability(tenantId: string, now = new Date()): Promise<DeliverabilityResponse> {
    const windows = await Promise.all(
      WINDOWS.map(async ({ window, ms }) => {
        const since = new Date(now.getTime() - ms);
        return rateWindow(window, since, await this.counts(tenantId, since));
      }),
    );
    return { tenant_id: tenantId, thresholds: { ...SES_REVIEW_THRESHOLDS }, windows };
  }

  /** Counted by when the event happened (occurred_at), not when it reached us. */
  private async counts(tenantId: string, since: Date): Promise<WindowCounts> {
    const row = await this.events
      .createQueryBuilder('e')
      .select(`count(*) FILTER (WHERE e.type = 'send')`, 'sends')
      .addSelect(`count(*) FILTER (WHERE e.type = 'bounce' AND e.bounce_kind = 'hard')`, 'hard')
      .addSelect(`count(*) FILTER (WHERE e.type = 'bounce' AND e.bounce_kind = 'soft')`, 'soft')
      .addSelect(`count(*) FILTER (WHERE e.type = 'complaint')`, 'complaints')
      .where('e.tenant_id = :tenantId AND e.occurred_at > :since', { tenantId, since })
      .getRawOne<{ sends: string; hard: string; soft: string; complaints: string }>();
    return {
      sends: Number(row?.sends ?? 0),
      hardBounces: Number(row?.hard ?? 0),
      softBounces: Number(row?.soft ?? 0),
      complaints: Number(row?.complaints ?? 0),
    };
  }
}

function toResponse(e: SesEvent): SesEventResponse {
  return {
    id: e.id,
    type: e.type,
    bounce_type: e.bounceKind,
    email: e.email,
    source: e.source,
    outcome: e.outcome,
    ses_message_id: e.sesMessageId,
    message_id: e.messageId,
    send_job_id: e.sendJobId,
    message_matched: e.messageMatched,
    detail: e.detail,
    occurred_at: e.occurredAt.toISOString(),
    created_at: e.createdAt.toISOString(),
  };
}
