import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { EVENT_TYPE_PATTERN } from '../webhooks/event-filter';

export class TestWebhookDto {
  @ApiProperty({ format: 'uri', description: 'HTTPS endpoint to probe' })
  @IsString() @MaxLength(2048)
  url!: string;

  @ApiPropertyOptional({ description: 'Signing secret; generated and returned when omitted' })
  @IsOptional() @IsString() @MaxLength(256)
  secret?: string;

  @ApiPropertyOptional({ default: 'test.ping' })
  @IsOptional() @IsString() @Matches(EVENT_TYPE_PATTERN, { message: 'must match ^[a-z0-9._-]{1,128}$' })
  event_type?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional() @IsObject()
  payload?: Record<string, unknown>;
}

export class TestWebhookResponse {
  ok!: boolean;
  status!: number | null;
  latency_ms!: number;
  response_body_snippet!: string | null;
  signature_sent!: string;
  secret_used!: string;
  error_code!: string | null;
  error_detail!: string | null;
}
