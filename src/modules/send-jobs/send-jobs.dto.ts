import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/cursor';
import { SEND_JOB_STATUSES, SendJobStatus, SendJobTemplate } from './send-job.entity';

export class TrackingOptionsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() open?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() click?: boolean;
}

/** A send job request, after camelCase keys were folded into snake_case (@AcceptsDualKeys). */
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
  @IsOptional() @IsISO8601({ strict: true }) scheduled_at?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-12-01T08:00:00Z', description: 'Sending only inside [window_start, window_end)' })
  @IsOptional() @IsISO8601({ strict: true }) window_start?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-12-01T20:00:00Z', description: 'Must be after window_start; messages left when it passes stay unsent (job failed, window_expired)' })
  @IsOptional() @IsISO8601({ strict: true }) window_end?: string;

  @ApiPropertyOptional({ type: TrackingOptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TrackingOptionsDto)
  tracking?: TrackingOptionsDto;
}

export class ListSendJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SEND_JOB_STATUSES }) @IsOptional() @IsIn(SEND_JOB_STATUSES) status?: SendJobStatus;
}

/** The created job's id in both spellings. */
export class CreateSendJobResponse {
  @ApiProperty({ format: 'uuid', example: '0193c2b0-1a2b-7c3d-8e4f-5a6b7c8d9e0f' }) send_job_id!: string;
  @ApiProperty({ format: 'uuid', example: '0193c2b0-1a2b-7c3d-8e4f-5a6b7c8d9e0f' }) sendJobId!: string;
  @ApiProperty({ enum: SEND_JOB_STATUSES, example: 'pending' }) status!: SendJobStatus;
}

export class SendJobStatusResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SEND_JOB_STATUSES, example: 'cancelled' }) status!: SendJobStatus;
}

export class ResendUnknownResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['running'] }) status!: 'running';
  @ApiProperty({ example: 3, description: 'Messages moved from unknown back to pending' }) requeued!: number;
}

export interface SendJobCounts {
  total: number;
  sent: number;
  failed: number;
  skipped: number;
  unknown: number;
  pending: number;
}

/** A send job in both spellings (see SendJobView), plus progress. */
export type SendJobResponse = Record<string, unknown>;

/** The documented shape of SendJobResponse: every field below also appears in camelCase (`list_id` and `listId`). */
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
  @ApiPropertyOptional({ example: 5000 }) total?: number;
  @ApiPropertyOptional({ example: 4210 }) sent?: number;
  @ApiPropertyOptional({ example: 0 }) failed?: number;
  @ApiPropertyOptional({ example: 0 }) skipped?: number;
  @ApiPropertyOptional({ example: 0 }) unknown?: number;
  @ApiPropertyOptional({ example: 790 }) pending?: number;
}

export class SendJobPage {
  @ApiProperty({ type: [SendJobView] }) data!: SendJobView[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' }) next_cursor!: string | null;
}

export class SendJobMessageView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) subscriber_id!: string;
  @ApiProperty({ example: 'ann@example.com' }) email!: string;
  @ApiProperty({ enum: ['pending', 'sending', 'sent', 'failed', 'skipped', 'unknown'], example: 'unknown' }) status!: string;
  @ApiProperty({ example: 1 }) attempts!: number;
  @ApiProperty({ type: String, nullable: true, example: '0100018c5e2b7f3a-…' }) provider_message_id!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'timeout after the provider accepted the connection' }) reason!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) claimed_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sent_at!: string | null;
}

export class SendJobMessagePage {
  @ApiProperty({ type: [SendJobMessageView] }) data!: SendJobMessageView[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Pass as `after` for the next page; null on the last' }) next_after!: string | null;
}

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
