import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/**
 * The `application/problem+json` body every error has (RFC 7807 plus `error`, `message`, `errors`); `error` and
 * `message` are the fields older clients read.
 */
@ApiSchema({ name: 'ErrorResponse' })
export class ErrorResponse {
  @ApiProperty({ example: 'unauthorized', description: 'Stable snake_case code' }) error!: string;
  @ApiPropertyOptional({ example: 'Authentication required' }) message?: string;
  @ApiPropertyOptional({ example: 'missing_token', description: 'Machine-readable sub-cause' }) reason?: string;
  @ApiPropertyOptional({ example: '0193c2a4-5b6e-7c01-9d2e-3f4a5b6c7d8e' }) request_id?: string;
  @ApiPropertyOptional({ example: 401 }) status?: number;
  @ApiPropertyOptional({ example: 'urn:send-engine:problem:unauthorized' }) type?: string;
  @ApiPropertyOptional({ example: 'Unauthorized' }) title?: string;
  @ApiPropertyOptional({ example: 'Authentication required' }) detail?: string;
  @ApiPropertyOptional({ example: '/api/lists' }) instance?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } })
  errors?: Record<string, string[]>;
}
