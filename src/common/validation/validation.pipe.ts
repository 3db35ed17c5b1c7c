import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldErrors } from '../errors/app-error';

/** Flattens class-validator's tree into `field.path → messages`. */
export function toFieldErrors(errors: ValidationError[], prefix = ''): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out[path] = Object.values(e.constraints);
    if (e.children?.length) Object.assign(out, toFieldErrors(e.children, path));
  }
  return out;
}

/** The global pipe: whitelist + transform; failures become `validation_failed` with per-field `errors`. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    forbidUnknownValues: false,
    stopAtFirstError: false,
    exceptionFactory: (errors) => AppError.validation(toFieldErrors(errors)),
  });
}
