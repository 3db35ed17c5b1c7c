import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/cursor';
import { IsTimestamp } from '../../common/validation/decorators';
import { FLAT_EVENT_TYPES, FlatEventType, SES_EVENT_TYPES, SesEventType } from './ses-event-decoder';

/** The flat SesEvent, posted by internal relays with an HMAC signature. */
@ApiSchema({ name: 'SesEvent' })
export class SesEventDto {
  @ApiProperty({ enum: FLAT_EVENT_TYPES })
  @IsIn(FLAT_EVENT_TYPES)
  event_type!: FlatEventType;

  @ApiProperty({ description: 'The SES message id (or our message id)', example: '0100018c-…' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  message_id!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  tenant_id!: string;

  @ApiProperty({ format: 'email' })
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiPropertyOptional({ enum: ['hard', 'soft'] })
  @IsOptional()
  @IsIn(['hard', 'soft'])
  bounce_type?: 'hard' | 'soft';

  @ApiProperty({ format: 'date-time' })
  @IsTimestamp({ zone: false })
  occurred_at!: string;
}

export class SesWebhookResponse {
  @ApiProperty({ example: 'ok' }) status!: 'ok';
  @ApiProperty({ description: 'Events stored by this request (0 for a repeat, a confirmation or a non-SES message)' })
  events!: number;
  @ApiProperty({ description: 'True when this SNS MessageId had been received before', required: false })
  duplicate?: boolean;
}

export class ListSesEventsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: SES_EVENT_TYPES })
  @IsOptional()
  @IsIn(SES_EVENT_TYPES)
  type?: SesEventType;

  @ApiPropertyOptional({ description: 'Recipient address (case-insensitive, exact)' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;
}

export class SesEventResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SES_EVENT_TYPES }) type!: SesEventType;
  @ApiProperty({ enum: ['hard', 'soft'], nullable: true }) bounce_type!: string | null;
  @ApiProperty({ nullable: true }) email!: string | null;
  @ApiProperty({ enum: ['sns', 'flat'] }) source!: string;
  @ApiProperty({ enum: ['suppressed', 'soft_bounce_counted', 'recorded', 'unmatched'] }) outcome!: string;
  @ApiProperty() ses_message_id!: string;
  @ApiProperty({ nullable: true }) message_id!: string | null;
  @ApiProperty({ nullable: true }) send_job_id!: string | null;
  @ApiProperty({ description: 'Whether one of our message rows matched the event' }) message_matched!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true }) detail!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) occurred_at!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class SesEventPage {
  @ApiProperty({ type: [SesEventResponse] }) data!: SesEventResponse[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class RateWindowResponse {
  @ApiProperty({ enum: ['24h', '7d'] }) window!: string;
  @ApiProperty({ format: 'date-time' }) since!: string;
  @ApiProperty({ description: 'Recipients of SES Send events recorded in the window: the rates\' denominator' }) sends!: number;
  @ApiProperty({ description: 'Hard bounces (SES counts only these in its bounce rate)' }) hard_bounces!: number;
  @ApiProperty() soft_bounces!: number;
  @ApiProperty() complaints!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'hard_bounces / sends; null without sends' }) bounce_rate!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'complaints / sends; null without sends' }) complaint_rate!: number | null;
  @ApiProperty({ enum: ['ok', 'warning', 'review', 'unknown'] }) bounce_status!: string;
  @ApiProperty({ enum: ['ok', 'warning', 'review', 'unknown'] }) complaint_status!: string;
}

export class DeliverabilityResponse {
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ example: { bounce_rate: 0.05, complaint_rate: 0.001 } })
  thresholds!: { bounce_rate: number; complaint_rate: number };
  @ApiProperty({ type: [RateWindowResponse] }) windows!: RateWindowResponse[];
}
