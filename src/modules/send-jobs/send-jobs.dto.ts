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

/** Seed 000 CreateSendJobRequest, after camelCase keys were folded into snake_case (@AcceptsDualKeys). */
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

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsTimestamp({ zone: false }) scheduled_at?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsTimestamp({ zone: false }) window_start?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsTimestamp({ zone: false }) window_end?: string;

  @ApiPropertyOptional({ type: TrackingOptionsDto })
  @IsOptional()
  @NestedObject(() => TrackingOptionsDto)
  tracking?: TrackingOptionsDto;
}

export class ListSendJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SEND_JOB_STATUSES }) @IsOptional() @IsIn(SEND_JOB_STATUSES) status?: SendJobStatus;
}

/** Seed 000 CreateSendJobResponse (both spellings). */
export interface CreateSendJobResponse {
  send_job_id: string;
  sendJobId: string;
  status: SendJobStatus;
}

/** Seed 000 SendJobStatusResponse. */
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

/** Seed 000 SendJob in both spellings, plus progress. */
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
