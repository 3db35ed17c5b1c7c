import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/cursor';
import { IsTimestamp, NestedObject } from '../../common/validation/decorators';
import { SEND_JOB_STATUSES, SendJobStatus, SendJobTemplate } from './send-job.entity';

export class TrackingOptionsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() open?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() click?: boolean;
}

/** `POST /api/send-jobs` body (CreateSendJobRequest), after camelCase keys were folded into snake_case (@AcceptsDualKeys). */
export class CreateSendJobDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Must be the caller\'s tenant (403 otherwise)' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiProperty({ format: 'uuid', example: '0193c2a4-5b6e-7c01-9d2e-3f4a5b6c7d8e' })
  @IsUUID(undefined, { message: 'list_id must be a UUID of one of the tenant\'s lists' })
  list_id!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Groups send jobs of one campaign; defaults to the job id' })
  @IsOptional()
  @IsUUID()
  campaign_id?: string;

  @ApiPropertyOptional({ example: 'December newsletter' }) @IsOptional() @IsString() @MaxLength(500) name?: string;

  @ApiProperty({ minLength: 1, example: 'Hello {{first_name|there}}', description: 'May contain merge tags (docs/send-jobs.md); an unknown tag is a 422' })
  @IsString()
  @Matches(/\S/, { message: 'subject must not be empty' })
  @MaxLength(998)
  subject!: string;

  @ApiPropertyOptional({ example: '<p>Hi {{first_name|there}},</p><p><a href="{{unsubscribe_url}}">Unsubscribe</a></p>' })
  @IsOptional() @IsString() body_html?: string;
  @ApiPropertyOptional({ example: 'Hi {{first_name|there}}, unsubscribe: {{unsubscribe_url}}' }) @IsOptional() @IsString() body_text?: string;

  @ApiPropertyOptional({ description: 'unsubscribe_url (URL template), unsubscribe_mailto, ses_template_name' })
  @IsOptional()
  @IsObject()
  template?: SendJobTemplate;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-12-01T08:00:00Z', description: 'Not before this time' })
  @IsOptional() @IsTimestamp({ zone: false }) scheduled_at?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-12-01T08:00:00Z', description: 'Sending only inside [window_start, window_end)' })
  @IsOptional() @IsTimestamp({ zone: false }) window_start?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-12-01T20:00:00Z', description: 'Must be after window_start; messages left when it passes stay unsent (job failed, window_expired)' })
  @IsOptional() @IsTimestamp({ zone: false }) window_end?: string;

  @ApiPropertyOptional({ type: TrackingOptionsDto })
  @IsOptional()
  @NestedObject(() => TrackingOptionsDto)
  tracking?: TrackingOptionsDto;
}

export class ListSendJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SEND_JOB_STATUSES }) @IsOptional() @IsIn(SEND_JOB_STATUSES) status?: SendJobStatus;
}

/** `POST /api/send-jobs` answer (both spellings). */
export class CreateSendJobResponse {
  @ApiProperty({ format: 'uuid', example: '0193c2b0-1a2b-7c3d-8e4f-5a6b7c8d9e0f' }) send_job_id!: string;
  @ApiProperty({ format: 'uuid', example: '0193c2b0-1a2b-7c3d-8e4f-5a6b7c8d9e0f' }) sendJobId!: string;
  @ApiProperty({ enum: SEND_JOB_STATUSES, example: 'pending' }) status!: SendJobStatus;
}

/** The cancel answer. */
export class SendJobStatusResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SEND_JOB_STATUSES, example: 'cancelled' }) status!: SendJobStatus;
}

export interface SendJobCounts {
  total: number;
  sent: number;
  failed: number;
  skipped: number;
  unknown: number;
  pending: number;
}

/** A send job in both key spellings, plus progress. */
export type SendJobResponse = Record<string, unknown>;

export class ListMessagesQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'sending', 'sent', 'failed', 'skipped', 'unknown'], default: 'unknown' })
  @IsOptional()
  @IsIn(['pending', 'sending', 'sent', 'failed', 'skipped', 'unknown'])
  status?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'next_after of the previous page' })
  @IsOptional()
  @IsUUID()
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

const SEND_JOB_EXAMPLE = {
  id: '0192f1c4-7a10-7cc3-9e51-5b2d7f1a0c11',
  tenant_id: '0192f1c4-6f00-7a21-8d3e-1c2b3a4d5e6f',
  list_id: '0192f1c4-7000-7b44-a0c1-2d3e4f5a6b7c',
  campaign_id: 'spring-sale',
  name: 'Spring sale',
  subject: 'Hello {{subscriber.preferences.first_name}}',
  status: 'completed',
  scheduled_at: null,
  window_start: null,
  window_end: null,
  tracking: { open: true, click: true },
  created_at: '2026-03-02T09:00:00.000Z',
  started_at: '2026-03-02T09:00:01.000Z',
  completed_at: '2026-03-02T09:04:12.000Z',
  failure_reason: null,
};

/** A page of send jobs (each in both key spellings; counts only on GET /api/send-jobs/{id}). */
export class SendJobPage {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, example: [SEND_JOB_EXAMPLE] })
  data!: SendJobResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next page; null on the last' })
  next_cursor!: string | null;
}

/** One recipient's message of a send job. */
export class SendJobMessageResponse {
  @ApiProperty({ format: 'uuid', example: '0192f1c5-0b00-7d10-9a7e-3c4d5e6f7a8b' }) id!: string;
  @ApiProperty({ format: 'uuid', example: '0192f1c4-71aa-7c00-8b1d-4e5f6a7b8c9d' }) subscriber_id!: string;
  @ApiProperty({ example: 'ana@example.com' }) email!: string;
  @ApiProperty({ enum: ['pending', 'sending', 'sent', 'failed', 'skipped', 'unknown'], example: 'unknown' }) status!: string;
  @ApiProperty({ description: 'provider calls made', example: 1 }) attempts!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) provider_message_id!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'worker_lost_during_send' }) reason!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-03-02T09:01:07.412Z' }) claimed_at!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null }) sent_at!: Date | null;
}

/** A keyset page of messages. */
export class SendJobMessagePage {
  @ApiProperty({ type: [SendJobMessageResponse] }) data!: SendJobMessageResponse[];

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'pass as `after` for the next page; null on the last', example: null })
  next_after!: string | null;
}

/** The job runs again for the messages put back to `pending`. */
export class ResendUnknownResponse {
  @ApiProperty({ format: 'uuid', example: '0192f1c4-7a10-7cc3-9e51-5b2d7f1a0c11' }) id!: string;
  @ApiProperty({ enum: ['running'], example: 'running' }) status!: 'running';
  @ApiProperty({ description: 'unknown messages put back to pending', example: 3 }) requeued!: number;
}

/** The documented shape of SendJobResponse on GET /api/send-jobs/{id}: every field also appears in camelCase. */
export class SendJobView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ format: 'uuid' }) list_id!: string;
  @ApiProperty({ format: 'uuid' }) campaign_id!: string;
  @ApiProperty({ type: String, nullable: true, example: 'December newsletter' }) name!: string | null;
  @ApiProperty({ example: 'Hello {{first_name|there}}' }) subject!: string;
  @ApiProperty({ enum: SEND_JOB_STATUSES, example: 'running' }) status!: SendJobStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) scheduled_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) window_start!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) window_end!: string | null;
  @ApiProperty({ type: TrackingOptionsDto, nullable: true }) tracking!: TrackingOptionsDto | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) started_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completed_at!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) failure_reason!: string | null;
  @ApiProperty({ example: 5000 }) total!: number;
  @ApiProperty({ example: 4210 }) sent!: number;
  @ApiProperty({ example: 0 }) failed!: number;
  @ApiProperty({ example: 0 }) skipped!: number;
  @ApiProperty({ example: 0 }) unknown!: number;
  @ApiProperty({ example: 790 }) pending!: number;
}
