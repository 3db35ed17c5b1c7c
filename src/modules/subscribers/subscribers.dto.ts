import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  MinLength,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination/cursor';
import { FitsInt32, IsTimestamp, NestedObject } from '../../common/validation/decorators';
import { EMAIL } from './full-sync-rules';
import type { ListImportStatus } from './list-import.entity';
import { ADMIN_MEMBER_STATUSES, AdminMemberStatus } from './member-rows';
import { SUBSCRIBER_STATUSES, SUPPRESSION_REASONS, SubscriberStatus, SuppressionReason } from './subscriber-status';

/** Largest full-sync batch: up to 10,000 subscribers (docs/subscribers.md). */
export const MAX_SYNC_BATCH = 10_000;
/** Refused rows an import keeps (the counts cover all of them). */
export const MAX_IMPORT_ERRORS = 100;
export const EVENT_TYPES = ['subscription.activated', 'subscription.unsubscribed', 'preferences.updated'] as const;
export type EventType = (typeof EVENT_TYPES)[number];


@ApiSchema({ name: 'SubscriberPayload' })
export class SubscriberPayloadDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id!: string;
  @ApiProperty({ format: 'email', example: 'ann@example.com' })
  @MaxLength(320)
  @Matches(EMAIL, { message: 'email must be an email' })
  email!: string;
  @ApiProperty({ enum: SUBSCRIBER_STATUSES }) @IsIn(SUBSCRIBER_STATUSES) status!: SubscriberStatus;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Replaces the stored preferences ({} clears them); absent or null keeps them (events and full-sync batches alike).',
  })
  @IsOptional()
  @IsObject()
  preferences?: Record<string, unknown>;
}

/** A Member Center `SubscriptionEvent`. */
@ApiSchema({ name: 'SubscriptionEvent' })
export class SubscriptionEventDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') event_id!: string;
  @ApiProperty({ enum: EVENT_TYPES }) @IsIn(EVENT_TYPES) event_type!: EventType;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') tenant_id!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') list_id!: string;
  @ApiProperty({ type: SubscriberPayloadDto })
  @NestedObject(() => SubscriberPayloadDto)
  subscriber!: SubscriberPayloadDto;
  @ApiProperty({ format: 'date-time' }) @IsTimestamp() occurred_at!: string;
}

/** A Member Center `FullSyncBatch`. Items are checked by parseSubscriberRows (one cheap pass over up to 10,000). */
@ApiSchema({ name: 'FullSyncBatch' })
export class FullSyncBatchDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') sync_id!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) @IsInt() @Min(1) @FitsInt32() batch_no!: number;
  @ApiProperty({ type: 'integer', minimum: 1 }) @IsInt() @Min(1) @FitsInt32() batch_total!: number;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') tenant_id!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') list_id!: string;
  @ApiProperty({ type: [SubscriberPayloadDto], maxItems: MAX_SYNC_BATCH })
  @IsArray()
  @ArrayMaxSize(MAX_SYNC_BATCH)
  subscribers!: unknown[];
  @ApiProperty({ format: 'date-time' }) @IsTimestamp() occurred_at!: string;
}

export class SubscriptionEventResult {
  @ApiProperty({ format: 'uuid' }) event_id!: string;
  @ApiProperty({
    enum: ['applied', 'ignored_out_of_order'],
    description: '`ignored_out_of_order`: recorded, but older than what was already applied to this membership/profile',
  })
  status!: 'applied' | 'ignored_out_of_order';
}

export class FullSyncBatchResult {
  @ApiProperty({ format: 'uuid' }) sync_id!: string;
  @ApiProperty() batch_no!: number;
  @ApiProperty() batches_received!: number;
  @ApiProperty() batch_total!: number;
  @ApiProperty({ enum: ['receiving', 'completed'], description: '`completed` on the batch that completed the sync' })
  sync_status!: 'receiving' | 'completed';
  @ApiPropertyOptional({ description: 'Members unsubscribed as absent (only when this batch completed the sync)' })
  removed?: number;
}

export class ListResponse {
  @ApiProperty({ format: 'uuid', example: '0193c2a4-5b6e-7c01-9d2e-3f4a5b6c7d8e' }) id!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Weekly newsletter', description: 'null for a list Member Center created by id alone' })
  name!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class MembersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SUBSCRIBER_STATUSES }) @IsOptional() @IsIn(SUBSCRIBER_STATUSES) status?: SubscriberStatus;
}

export class MemberResponse {
  @ApiProperty({ format: 'uuid' }) subscriber_id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: SUBSCRIBER_STATUSES }) status!: SubscriberStatus;
  @ApiProperty({ nullable: true, type: String, example: 'removed_by_full_sync' }) reason!: string | null;
  @ApiProperty({ format: 'date-time' }) last_occurred_at!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) last_sync_id!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class SubscriberMembershipResponse {
  @ApiProperty({ format: 'uuid' }) list_id!: string;
  @ApiProperty({ enum: SUBSCRIBER_STATUSES }) status!: SubscriberStatus;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ format: 'date-time' }) last_occurred_at!: string;
}

/** `GET /api/suppressions`: the page, optionally only addresses containing `q`. */
export class SuppressionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only addresses containing this text (case-insensitive)', example: 'acme.example' })
  @IsOptional() @IsString() @MaxLength(254)
  q?: string;
}

export class SuppressionResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: SUPPRESSION_REASONS }) reason!: SuppressionReason;
  @ApiProperty({ example: 'ses' }) source!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class SubscriberResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: SUBSCRIBER_STATUSES }) status!: SubscriberStatus;
  @ApiProperty({ type: 'object', additionalProperties: true }) preferences!: Record<string, unknown>;
  @ApiProperty({ type: [SubscriberMembershipResponse] }) lists!: SubscriberMembershipResponse[];
  @ApiProperty({ type: SuppressionResponse, nullable: true }) suppression!: SuppressionResponse | null;
  @ApiProperty({ format: 'date-time' }) last_occurred_at!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class FullSyncResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) list_id!: string;
  @ApiProperty({ enum: ['receiving', 'completed', 'abandoned'] }) status!: 'receiving' | 'completed' | 'abandoned';
  @ApiProperty() batch_total!: number;
  @ApiProperty() batches_received!: number;
  @ApiProperty({ type: [Number], description: 'batch_no of every batch received, ascending' }) received_batch_numbers!: number[];
  @ApiProperty() subscribers_received!: number;
  @ApiProperty({ nullable: true, type: Number }) removed_count!: number | null;
  @ApiProperty({ format: 'date-time' }) occurred_at!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completed_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) abandoned_at!: string | null;
}

export class ListPage {
  @ApiProperty({ type: [ListResponse] }) data!: ListResponse[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class MemberPage {
  @ApiProperty({ type: [MemberResponse] }) data!: MemberResponse[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class SuppressionPage {
  @ApiProperty({ type: [SuppressionResponse] }) data!: SuppressionResponse[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class CreateListDto {
  @ApiProperty({ example: 'Weekly newsletter', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;
}

export class UpdateListDto extends CreateListDto {}

export class AdminMemberDto {
  @ApiProperty({ example: 'ann@example.com' }) email!: string;
  @ApiPropertyOptional({ enum: ADMIN_MEMBER_STATUSES, default: 'active' }) status?: AdminMemberStatus;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { first_name: 'Ann' }, description: 'Replaces the stored preferences; absent keeps them.' })
  preferences?: Record<string, unknown>;
}

/** Items are checked one by one (parseMemberItem), like full-sync batches: class-validator over 10,000 objects is slow. */
export class AddMembersDto {
  @ApiProperty({ type: [AdminMemberDto], maxItems: MAX_SYNC_BATCH, example: [{ email: 'ann@example.com', preferences: { first_name: 'Ann' } }, { email: 'bo@example.com' }] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SYNC_BATCH)
  members!: unknown[];
}

export class AddMembersResult {
  @ApiProperty({ format: 'uuid' }) list_id!: string;
  @ApiProperty({ example: 2, description: 'Distinct addresses written (a suppressed one is stored with its suppression status, never active)' })
  written!: number;
  @ApiProperty({ example: 0, description: 'Of those, addresses on the suppression list' }) suppressed!: number;
}

export class RowErrorResponse {
  @ApiProperty({ example: 3, description: 'CSV line number' }) row!: number;
  @ApiProperty({ example: 'email' }) field!: string;
  @ApiProperty({ example: 'email must be an email' }) message!: string;
}

export class ListImportResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) list_id!: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed'] }) status!: ListImportStatus;
  @ApiProperty({ example: 5000 }) rows_read!: number;
  @ApiProperty({ example: 4998 }) rows_imported!: number;
  @ApiProperty({ example: 2 }) rows_failed!: number;
  @ApiProperty({ type: [RowErrorResponse], description: `The first ${MAX_IMPORT_ERRORS} refused rows` }) errors!: RowErrorResponse[];
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why the import stopped, when it failed' }) failure!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finished_at!: string | null;
}
