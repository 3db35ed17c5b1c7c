import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { IDEMPOTENCY_METADATA, IdempotencyInterceptor, IdempotencyOptions } from './idempotency.interceptor';

/** The route honours `Idempotency-Key` (24 h); `required` makes a missing key a 400 (the jobs API). */
export function Idempotent(options: IdempotencyOptions = { required: false }) {
  return applyDecorators(
    SetMetadata(IDEMPOTENCY_METADATA, options),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: options.required,
      description: 'Same key + same body within 24 h returns the original response; a different body is 409',
      schema: { type: 'string', maxLength: 255 },
    }),
  );
}
