import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ADVANCED_OPERATORS } from './marigold-filter';

/**
 * Swagger shapes of the Marigold (CloudEvents) dialect. The bodies are validated by marigold.mapper.ts (a batch
 * is all-or-nothing and errors are keyed by position, `[2].source`), so these classes document, not validate.
 */

const SAMPLE_EVENT = {
  id: 'f0e01063-efaa-4023-8199-278d4e4285ae',
  tenant: 'EU.ENGAGE',
  source: '/sdc/mailer',
  type: 'sdc.deliveries.email.sent',
  subject: '674d25d7319b4549a88cefdda049989e_92233793802426',
  time: '2018-04-05T17:31:00.000Z',
  specversion: '1.0',
  dataschema: 'http://example.com',
  datacontenttype: 'application/json',
  data: {
    account_id: '3822afb319684af18b9664ee327b7c44',
    tenant_id: 'EU.ENGAGE',
    sender_domain: 'example.com',
    outcome: '250 Ok',
    recipient: 'sdc.example@slgnt.eu',
    drop_time_milliseconds: 40.0872,
    external_reference: '674d25d7319b4549a88cefdda049989e_92233793802426',
    timestamp: '2022-03-16T12:56:00.1260605',
  },
};

@ApiSchema({ name: 'MarigoldCloudEvent', description: 'A CloudEvents 1.0 event in structured JSON. Any other lower-case alphanumeric member is an extension attribute (string, number or boolean).' })
export class CloudEventDto {
  @ApiProperty({ description: "CloudEvents 'id': unique within the scope of the producer. The same source + id within 24 h is accepted again but not delivered twice.", example: SAMPLE_EVENT.id })
  id!: string;

  @ApiPropertyOptional({ description: "The tenant reference; when present it must be the caller's tenant (its slug or id), else 403.", example: 'EU.ENGAGE' })
  tenant?: string;

  @ApiProperty({ format: 'uri-reference', description: 'The context in which the event happened.', example: SAMPLE_EVENT.source })
  source!: string;

  @ApiProperty({ description: "CloudEvents 'type': what happened; subscriptions filter on it.", example: SAMPLE_EVENT.type })
  type!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: SAMPLE_EVENT.subject })
  subject?: string | null;

  @ApiPropertyOptional({ type: 'string', format: 'date-time', nullable: true, description: 'RFC 3339.', example: SAMPLE_EVENT.time })
  time?: string | null;

  @ApiPropertyOptional({ default: '1.0', enum: ['1.0'], example: '1.0' })
  specversion?: string;

  @ApiPropertyOptional({ format: 'uri', example: SAMPLE_EVENT.dataschema })
  dataschema?: string;

  @ApiPropertyOptional({ default: 'application/json', example: 'application/json' })
  datacontenttype?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The event payload.', example: SAMPLE_EVENT.data })
  data?: Record<string, unknown>;
}

export const SEND_EVENTS_EXAMPLE = [SAMPLE_EVENT];

@ApiSchema({ name: 'MarigoldAcceptedEvent' })
export class AcceptedEventDto {
  @ApiProperty({ format: 'uuid', description: "The engine's event id (the earlier event's for a repeat).", example: '019a7f2e-4b1c-7d3e-9f00-6a1b2c3d4e5f' })
  id!: string;

  @ApiProperty({ description: "The CloudEvent's id as sent.", example: SAMPLE_EVENT.id })
  cloudevent_id!: string;

  @ApiProperty({ example: SAMPLE_EVENT.source })
  source!: string;

  @ApiProperty({ description: 'True when the same source + id was accepted within the last 24 h: not delivered again.', example: false })
  duplicate!: boolean;
}

@ApiSchema({ name: 'MarigoldSendEventsResponse' })
export class SendEventsResponse {
  @ApiProperty({ type: [AcceptedEventDto], description: 'One entry per input event, in input order.' })
  events!: AcceptedEventDto[];
}

@ApiSchema({ name: 'MarigoldHeader', description: 'A custom request header. Also accepted: `{key, value}` and `{"<Name>": "<value>"}`.' })
export class HeaderDto {
  @ApiProperty({
    description: 'Not Content-Type, Content-Length, Connection, Host, Cache-Control (any case), hop-by-hop headers, User-Agent or the signature headers (webhook-id, webhook-timestamp, webhook-signature, X-Webhook-Signature).',
    example: 'Authorization',
  })
  name!: string;

  @ApiProperty({ description: 'Sealed at rest, returned only to the owning tenant, redacted in the attempt log.', example: 'Basic dXNlcjpwYXNz' })
  value!: string;
}

@ApiSchema({
  name: 'MarigoldAdvancedFilter',
  description:
    'A condition on any leaf property of the event (`data.recipient`, `subject`, `source`, extension attributes). Give one `value` or several ' +
    '`values` (ORed); `numberInRange`/`numberNotInRange` take `[min, max]` pairs; `isNullOrUndefined`/`isNotNull` take none. Also accepted: ' +
    '`operatorType` for `operator`, and the sentence form `"data.recipient stringEndsWith gmail.com"`. Operator names in any case; strings ' +
    'compare case-insensitively; a missing key or an object fails every operator but the `…NotIn` forms and `isNullOrUndefined`. At most 25 per ' +
    'subscription, 512 characters per value.',
})
export class AdvancedFilterDto {
  @ApiProperty({ example: 'data.recipient' })
  key!: string;

  @ApiProperty({ enum: ADVANCED_OPERATORS, example: 'stringEndsWith' })
  operator!: string;

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'array', items: { type: 'number' } }], example: 'gmail.com' })
  value?: unknown;

  @ApiPropertyOptional({ type: 'array', items: {}, example: ['gmail.com', 'googlemail.com'] })
  values?: unknown[];
}

@ApiSchema({ name: 'MarigoldSubscription' })
export class MarigoldSubscriptionDto {
  @ApiProperty({
    type: [String],
    description: "Event types to forward; '*' at the start and/or end of a dot part. Examples: 'sdc.*', '*.failed', '*.email.*', 'sdc.deliveries.email.sent'. Engine events (email.*, send_job.*, subscriber.*, job.*) match too.",
    example: ['sdc.*'],
  })
  filters!: string[];

  @ApiProperty({ description: 'Where matching events are POSTed. Without a scheme it means https:// (GET shows it with the scheme).', example: 'www.example.com/sdc' })
  target_url!: string;

  @ApiPropertyOptional({ type: [HeaderDto], nullable: true, example: [{ name: 'Authorization', value: 'Basic dXNlcjpwYXNz' }] })
  headers?: HeaderDto[] | null;

  @ApiPropertyOptional({ type: [AdvancedFilterDto], description: 'Every one must match.', example: [{ key: 'data.recipient', operator: 'stringEndsWith', value: 'gmail.com' }] })
  advanced_filters?: AdvancedFilterDto[];
}

export const PUT_SUBSCRIPTIONS_EXAMPLE = [
  { filters: ['smc.*'], target_url: 'www.example.com/smc' },
  {
    filters: ['sdc.*'],
    target_url: 'www.example.com/sdc',
    headers: [{ name: 'Authorization', value: 'Basic dXNlcjpwYXNz' }],
    advanced_filters: [{ key: 'data.account_id', operator: 'equals', value: 'd6862df2-59c2-4fbc-b248-d1374967dafd' }],
  },
];

export const GET_SUBSCRIPTIONS_EXAMPLE = [
  {
    filters: ['sdc.*'],
    target_url: 'https://www.example.com/sdc',
    headers: [{ name: 'Authorization', value: 'Basic dXNlcjpwYXNz' }],
    advanced_filters: [{ key: 'data.recipient', operator: 'stringEndsWith', value: 'gmail.com' }],
  },
  { filters: ['*.failed'], target_url: 'https://www.example.com/failed', headers: null, advanced_filters: [] },
];

