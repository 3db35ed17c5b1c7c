import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../../common/pagination/cursor';
import { IsTimestamp } from '../../../../common/validation/decorators';
import { isJsonObject, ValidatedFast } from '../../../../common/validation/fast-path';
import { SUBSCRIPTION_STATES, SubscriptionState } from '../../entities/webhook-subscription.entity';
import { EVENT_FILTER_PATTERN, EVENT_TYPE_PATTERN } from '../../event-filter';

const FILTER_MESSAGE = 'must be "*", an event type, or a glob with "*" segments such as "order.*"';

export class CreateSubscriptionDto {
  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional() @IsString() @MaxLength(255)
  name?: string;

  @ApiProperty({ format: 'uri', description: 'HTTPS endpoint to receive deliveries' })
  @IsString() @MaxLength(2048)
  url!: string;

  @ApiPropertyOptional({ default: '*' })
  @IsOptional() @IsString() @MaxLength(128) @Matches(EVENT_FILTER_PATTERN, { message: FILTER_MESSAGE })
  event_filter?: string;
}

export class UpdateSubscriptionDto {
  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional() @IsString() @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({ format: 'uri' })
  @IsOptional() @IsString() @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(128) @Matches(EVENT_FILTER_PATTERN, { message: FILTER_MESSAGE })
  event_filter?: string;
}

export class ListSubscriptionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SUBSCRIPTION_STATES })
  @IsOptional() @IsIn(SUBSCRIPTION_STATES)
  state?: SubscriptionState;
}

// The hot route's body (POST /v1/events): checked without class-validator when it is valid as it is.
@ValidatedFast<CreateEventDto>((b) =>
  typeof b.type === 'string' && EVENT_TYPE_PATTERN.test(b.type) && isJsonObject(b.payload)
    ? Object.assign(new CreateEventDto(), { type: b.type, payload: b.payload })
    : undefined,
)
export class CreateEventDto {
  @ApiProperty({ pattern: EVENT_TYPE_PATTERN.source, example: 'order.created' })
  @IsString() @Matches(EVENT_TYPE_PATTERN, { message: 'must match ^[a-z0-9._-]{1,128}$' })
  type!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Arbitrary JSON, at most 256 KB serialized' })
  @IsObject()
  payload!: Record<string, unknown>;
}

export class ListEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Exact event type' })
  @IsOptional() @IsString() @MaxLength(128)
  type?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional() @IsTimestamp({ zone: false })
  created_after?: string;
}

export class SubscriptionResponse {
  id!: string;
  name!: string | null;
  url!: string;
  event_filter!: string;
  state!: SubscriptionState;
  consecutive_failures!: number;
  paused_at!: string | null;
  secret_rotated_at!: string | null;
  created_at!: string;
  updated_at!: string;
}

export class SubscriptionWithSecretResponse extends SubscriptionResponse {
  signing_secret!: string;
}

export class DeliveriesSummary {
  total!: number;
  succeeded!: number;
  failed!: number;
  pending!: number;
}

export class EventResponse {
  id!: string;
  type!: string;
  payload!: Record<string, unknown>;
  idempotency_key!: string | null;
  source_ip!: string | null;
  created_at!: string;
  deliveries_summary!: DeliveriesSummary;
}
