import { mergeTags, MergeContext, renderContent, textTemplate, unsubscribeHeaders } from '../content/render';
import { SendJob } from '../send-job.entity';
import { ClaimedMessage } from '../send-job-messages.repository';
import { OutboundEmail } from '../mail/mail-transport';

export interface ComposeOptions {
  from: string;
  publicBaseUrl: string;
  unsubscribeToken: string;
  /** textTemplate(job), computed once per job by the caller. */
  text?: string;
}

/**
 * One recipient's email: merge tags, text part, List-Unsubscribe headers, correlation tags. The header always
 * names the engine's one-click URL; `template.unsubscribe_url` (itself a merge template) only replaces the
 * `{{unsubscribe_url}}` link in the content.
 */
export function composeEmail(job: SendJob, msg: ClaimedMessage, o: ComposeOptions): OutboundEmail {
  const oneClickUrl = `${o.publicBaseUrl.replace(/\/$/, '')}/unsubscribe/${o.unsubscribeToken}`;
  const base: MergeContext = {
    subscriber: { id: msg.subscriberId, email: msg.email, preferences: msg.preferences },
    unsubscribe_url: oneClickUrl,
    unsubscribe_token: o.unsubscribeToken,
  };
  const ctx = job.template?.unsubscribe_url ? { ...base, unsubscribe_url: mergeTags(job.template.unsubscribe_url, base, false) } : base;
  const content = renderContent(job, ctx, o.text ?? textTemplate(job));
  return {
    from: o.from,
    to: msg.email,
    ...content,
    headers: unsubscribeHeaders(oneClickUrl, job.template?.unsubscribe_mailto),
    tags: { tenant_id: job.tenantId, send_job_id: job.id, message_id: msg.id },
    tracking: !!(job.tracking.open || job.tracking.click),
    sesTemplate: job.template?.ses_template_name ? { name: job.template.ses_template_name, data: { ...ctx } } : undefined,
  };
}
