import { Injectable } from '@nestjs/common';
import { Page, paginate } from '../../common/pagination/cursor';
import { rateWindow, SES_REVIEW_THRESHOLDS } from './deliverability';
import { SesEvent } from './ses-event.entity';
import { DeliverabilityResponse, ListSesEventsQuery, SesEventResponse } from './ses-events.dto';
import { SesEventsRepository } from './ses-events.repository';

const WINDOWS = [
  { window: '24h', ms: 86_400_000 },
  { window: '7d', ms: 7 * 86_400_000 },
] as const;

/** The operator's view: a tenant's SES events and its bounce and complaint rates next to SES's thresholds. */
@Injectable()
export class SesEventsReportService {
  constructor(private readonly events: SesEventsRepository) {}

  list(tenantId: string, query: ListSesEventsQuery): Promise<Page<SesEventResponse>> {
    const qb = this.events.listQuery(tenantId, { type: query.type, email: query.email?.trim().toLowerCase() });
    return paginate(qb, query, toResponse);
  }

  async deliverability(tenantId: string, now = new Date()): Promise<DeliverabilityResponse> {
    const windows = await Promise.all(
      WINDOWS.map(async ({ window, ms }) => {
        const since = new Date(now.getTime() - ms);
        return rateWindow(window, since, await this.events.windowCounts(tenantId, since));
      }),
    );
    return { tenant_id: tenantId, thresholds: { ...SES_REVIEW_THRESHOLDS }, windows };
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
