import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayNotEmpty, IsArray, IsBoolean, IsDefined, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min, ValidateBy,
} from 'class-validator';
import { isUuid } from '../../../../common/http/parse-id.pipe';
import { FLEXENGAGE_EVENT_TYPES, FLEXENGAGE_TYPE_PATTERNS, isFlexEngageTypePattern } from './flexengage-types';

/** The dialect's schemas are named `FlexEngage…` in the engine's one Swagger document (other dialects have a `Page` too). */
const EXAMPLE_ID = '0193f5c2-7a1e-7b3c-9d4e-5f6a7b8c9d0e';
const EXAMPLE_EVENT_ID = '0193f5c4-1b2c-7d3e-8f4a-5b6c7d8e9f0a';
const EVENTS: { type: 'string'; enum: string[] } = { type: 'string', enum: [...FLEXENGAGE_EVENT_TYPES] };
/** What a webhook subscribes to: a type or a group of types (a prefix by dot parts), which the API's enum does not list. */
const EVENT_PATTERNS: { type: 'string'; enum: string[] } = { type: 'string', enum: [...FLEXENGAGE_TYPE_PATTERNS] };

const IsEventTypePattern = () =>
  ValidateBy(
    { name: 'isFlexEngageType', validator: { validate: isFlexEngageTypePattern } },
    { each: true, message: 'each value in events must be a flexEngage event type or a prefix of one, e.g. ORDER_EVENTS.OMS' },
  );
const IsUuidString = () => ValidateBy({ name: 'isUuid', validator: { validate: isUuid } }, { message: '$property must be a UUID' });

@ApiSchema({ name: 'FlexEngageWebhookRequest' })
export class CreateFlexEngageWebhookDto {
  @ApiProperty({ format: 'uri', example: 'https://example.com/my/webhook/endpoint' })
  @IsDefined({ message: 'endpoint is required' }) @IsString() @MaxLength(2048)
  endpoint!: string;

  @ApiProperty({
    type: 'array', items: EVENT_PATTERNS, example: ['ORDER_EVENTS.OMS.ORDER_SHIPPED', 'ORDER_EVENTS.TRACKING'],
    description: 'Event types, or prefixes of them (`ORDER_EVENTS.OMS` covers every `ORDER_EVENTS.OMS.*` type); any case.',
  })
  @IsDefined({ message: 'events is required' }) @IsArray() @ArrayNotEmpty({ message: 'events must not be empty' }) @ArrayMaxSize(100)
  @IsEventTypePattern()
  events!: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  enabled?: boolean;
}

@ApiSchema({ name: 'FlexEngageWebhookPatchRequest' })
export class PatchFlexEngageWebhookDto {
  @ApiProperty({ example: false })
  @IsDefined({ message: 'enabled is required' }) @IsBoolean()
  enabled!: boolean;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export class FlexEngageEventsQueryDto {
  @ApiPropertyOptional({ type: 'integer', description: 'The page size', default: DEFAULT_PAGE_SIZE, minimum: 1, maximum: MAX_PAGE_SIZE })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  size?: number;

  @ApiPropertyOptional({ description: 'Events at or after this time', format: 'date-time', example: '2026-11-01T00:00:00Z' })
  @IsOptional() @IsISO8601({ strict: true })
  start?: string;

  @ApiPropertyOptional({ description: 'Events before this time', format: 'date-time', example: '2026-12-01T00:00:00Z' })
  @IsOptional() @IsISO8601({ strict: true })
  end?: string;

  @ApiPropertyOptional({ description: 'Continue after this event: the previous page\'s `page.lastId`', format: 'uuid', example: EXAMPLE_EVENT_ID })
  @IsOptional() @IsUuidString()
  startId?: string;
}

@ApiSchema({ name: 'FlexEngageWebhookResponse' })
export class FlexEngageWebhookResponse {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_ID }) id!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-29T09:30:00.000Z' }) created!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-29T09:30:00.000Z' }) updated!: string;
  @ApiProperty({ format: 'uri', example: 'https://example.com/my/webhook/endpoint' }) endpoint!: string;
  @ApiProperty({ type: 'array', items: EVENT_PATTERNS, example: ['ORDER_EVENTS.OMS.ORDER_SHIPPED', 'ORDER_EVENTS.TRACKING'] }) events!: string[];
  @ApiProperty({ example: true }) enabled!: boolean;
}

export const EVENT_STATUSES = ['SUCCESS', 'FAILURE'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

@ApiSchema({ name: 'FlexEngageWebhookEventPageResponse' })
export class FlexEngageEventSummary {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_EVENT_ID }) id!: string;
  @ApiProperty({ ...EVENTS, example: 'ORDER_EVENTS.OMS.ORDER_SHIPPED' }) type!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-29T09:31:00.000Z' }) created!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-29T09:31:00.412Z' }) updated!: string;
  @ApiPropertyOptional({ enum: EVENT_STATUSES, example: 'SUCCESS', description: 'Absent until the first attempt' }) status?: EventStatus;
}

@ApiSchema({ name: 'FlexEngagePage' })
export class FlexEngagePage {
  @ApiProperty({ type: 'integer', example: DEFAULT_PAGE_SIZE }) size!: number;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, example: null, description: 'The `startId` this page continued after' })
  startId!: string | null;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, example: EXAMPLE_EVENT_ID, description: 'Pass as `startId` for the next page; null on the last page' })
  lastId!: string | null;
}

@ApiSchema({ name: 'FlexEngageWebhookEventsResponsePage' })
export class FlexEngageEventsPage {
  @ApiProperty({ type: [FlexEngageEventSummary] }) events!: FlexEngageEventSummary[];
  @ApiProperty({ type: FlexEngagePage }) page!: FlexEngagePage;
}

@ApiSchema({ name: 'FlexEngageRequest' })
export class FlexEngageAttemptRequest {
  @ApiProperty({ example: 'https://example.com/my/webhook/endpoint' }) endpoint!: string;
  @ApiPropertyOptional({
    type: 'object', additionalProperties: { type: 'string' }, description: 'The headers sent, signatures included',
    example: { 'content-type': 'application/json', 'webhook-id': EXAMPLE_EVENT_ID, 'webhook-timestamp': '1764408660', 'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=' },
  })
  headers?: Record<string, string>;
}

@ApiSchema({ name: 'FlexEngageResponse' })
export class FlexEngageAttemptResponse {
  @ApiPropertyOptional({ type: 'integer', example: 200, description: 'Absent when no response came (timeout, refused connection)' }) statusCode?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { 'content-type': 'application/json' } })
  headers?: Record<string, string>;
  @ApiPropertyOptional({ example: '{"example": "response json"}', description: 'The first 4 KB of the response body' }) body?: string;
  @ApiPropertyOptional({ type: 'integer', example: 231, description: 'The response time in milliseconds' }) time?: number;
}

@ApiSchema({ name: 'FlexEngageWebhookEventAttempt' })
export class FlexEngageAttempt {
  @ApiProperty({ format: 'uuid', example: '0193f5c4-1b9d-7e00-a1b2-c3d4e5f6a7b8' }) id!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-29T09:31:00.412Z' }) created!: string;
  @ApiProperty({ enum: EVENT_STATUSES, example: 'SUCCESS' }) status!: EventStatus;
  @ApiProperty({ type: FlexEngageAttemptRequest }) request!: FlexEngageAttemptRequest;
  @ApiProperty({ type: FlexEngageAttemptResponse }) response!: FlexEngageAttemptResponse;
}

@ApiSchema({ name: 'FlexEngageWebhookEventResponse' })
export class FlexEngageEventDetail extends FlexEngageEventSummary {
  @ApiProperty({ type: [FlexEngageAttempt] }) attempts!: FlexEngageAttempt[];
}

@ApiSchema({ name: 'FlexEngageAPIErrorResponse', description: 'The common problem body; these are the fields the flexEngage API names.' })
export class FlexEngageErrorResponse {
  @ApiProperty({ example: 'NOT FOUND', description: 'The upper-case reason phrase' }) message!: string;
  @ApiProperty({ example: 'No webhooks with that brand ID were found' }) description!: string;
  @ApiProperty({ example: 404 }) status!: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { endpoint: 'endpoint is required' } })
  validations?: Record<string, string>;
}
