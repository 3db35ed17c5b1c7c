import { withCamelKeys } from '../../common/http/dual-keys';
import { SendJob } from './send-job.entity';
import { SendJobCounts, SendJobResponse } from './send-jobs.dto';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A send job in both key spellings, plus progress counts and timing. */
export function sendJobView(job: SendJob, counts?: SendJobCounts): SendJobResponse {
  return withCamelKeys({
    id: job.id,
    tenant_id: job.tenantId,
    list_id: job.listId,
    campaign_id: job.campaignId,
    name: job.name,
    subject: job.subject,
    status: job.status,
    scheduled_at: iso(job.scheduledAt),
    window_start: iso(job.windowStart),
    window_end: iso(job.windowEnd),
    tracking: job.tracking,
    created_at: iso(job.createdAt),
    started_at: iso(job.startedAt),
    completed_at: iso(job.completedAt),
    failure_reason: job.failureReason,
    ...(counts ?? {}),
  });
}
