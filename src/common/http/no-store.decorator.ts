import { Header } from '@nestjs/common';

/** Responses carrying credentials must not be cached (RFC 6749 §5.1). */
export const NoStore = () => Header('Cache-Control', 'no-store');
