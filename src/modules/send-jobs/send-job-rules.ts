import { FieldErrors } from '../../common/errors/app-error';
import { KNOWN_MERGE_TAGS, unknownMergeTags } from './content/render';
import { CreateSendJobDto } from './send-jobs.dto';

/** The cross-field rules of a send job (docs/send-jobs.md, API) that decorators cannot express. Empty when valid. */
export function sendJobRuleErrors(dto: CreateSendJobDto): FieldErrors {
  const errors: FieldErrors = {};
  const hasTemplate = !!dto.template && Object.keys(dto.template).length > 0;
  if (!dto.body_html?.trim() && !dto.body_text?.trim() && !hasTemplate) {
    errors.body_html = ['one of body_html, body_text or template is required'];
  }
  if (dto.template?.unsubscribe_url !== undefined && typeof dto.template.unsubscribe_url !== 'string') {
    errors['template.unsubscribe_url'] = ['must be a string'];
  }
  if (dto.template?.ses_template_name !== undefined && typeof dto.template.ses_template_name !== 'string') {
    errors['template.ses_template_name'] = ['must be a string'];
  }
  const templates: [string, unknown][] = [
    ['subject', dto.subject],
    ['body_html', dto.body_html],
    ['body_text', dto.body_text],
    ['template.unsubscribe_url', dto.template?.unsubscribe_url],
  ];
  for (const [field, text] of templates) {
    const unknown = typeof text === 'string' ? unknownMergeTags(text) : [];
    if (unknown.length) {
      const tags = unknown.map((t) => `{{${t}}}`).join(', ');
      (errors[field] ??= []).push(`unknown merge tag ${tags}; known tags: ${KNOWN_MERGE_TAGS.map((t) => `{{${t}}}`).join(', ')}`);
    }
  }
  if (dto.window_start && dto.window_end && Date.parse(dto.window_end) <= Date.parse(dto.window_start)) {
    errors.window_end = ['must be after window_start'];
  }
  return errors;
}

/** When the scheduler starts a job: max(now, scheduled_at, window_start). */
export function startTime(now: Date, dto: Pick<CreateSendJobDto, 'scheduled_at' | 'window_start'>): Date {
  const times = [now.getTime(), ...[dto.scheduled_at, dto.window_start].filter((t): t is string => !!t).map(Date.parse)];
  return new Date(Math.max(...times));
}
