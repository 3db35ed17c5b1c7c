import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** `ErrorResponse`: the problem-body fields the `/api` and `/webhooks` routes document (the filter writes more). */
@ApiSchema({ name: 'ErrorResponse' })
export class ErrorResponse {
  @ApiProperty({ example: 'unauthorized' }) error!: string;
  @ApiPropertyOptional() message?: string;
  @ApiPropertyOptional({ example: 'bad_signature' }) reason?: string;
  @ApiPropertyOptional() request_id?: string;
  @ApiPropertyOptional() status?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } })
  errors?: Record<string, string[]>;
}
