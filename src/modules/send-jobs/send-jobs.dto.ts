import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/cursor';
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

  @ApiProperty({ format: 'uuid' })
  @IsUUID(undefined, { message: 'list_id must be a UUID of one of the tenant\'s lists' })
  list_id!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Groups send jobs of one campaign; defaults to the job id' })
  @IsOptional()
  @IsUUID()
  campaign_id?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) name?: string;

  @ApiProperty({ minLength: 1 })
  @IsString()
  @Matches(/\S/, { message: 'subject must not be empty' })
  @MaxLength(998)
  subject!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() body_html?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() body_text?: string;

  @ApiPropertyOptional({ description: 'unsubscribe_url (URL template), unsubscribe_mailto, ses_template_name' })
  @IsOptional()
  @IsObject()
  template?: SendJobTemplate;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) scheduled_at?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) window_start?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) window_end?: string;

  @ApiPropertyOptional({ type: TrackingOptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TrackingOptionsDto)
  tracking?: TrackingOptionsDto;
}

export class ListSendJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SEND_JOB_STATUSES }) @IsOptional() @IsIn(SEND_JOB_STATUSES) status?: SendJobStatus;
}

/** `POST /api/send-jobs` answer (both spellings). */
export interface CreateSendJobResponse {
  send_job_id: string;
  sendJobId: string;
  status: SendJobStatus;
}

/** The cancel answer. */
export interface SendJobStatusResponse {
  id: string;
  status: SendJobStatus;
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
