import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { CONSOLE_ROLES, ConsoleRole } from './console-link.entity';

export class CreateConsoleLinkDto {
  @ApiPropertyOptional({ enum: CONSOLE_ROLES, default: 'editor', description: '`viewer` links open a read-only console' })
  @IsOptional() @IsIn(CONSOLE_ROLES)
  role?: ConsoleRole;
}

export class ConsoleLinkResponse {
  @ApiProperty({ format: 'uri', description: 'One-time link; the token after `#/open/` never reaches a server log', example: 'http://localhost:3000/console/#/open/4kq9Zb3nWc0rJ8yT1mXv2hL6pQe5sA7uD9fG0iK3oNw' })
  url!: string;

  @ApiProperty({ enum: CONSOLE_ROLES, example: 'editor' })
  role!: ConsoleRole;

  @ApiProperty({ format: 'date-time', description: 'The link must be opened before this (15 minutes)', example: '2026-11-29T10:15:00.000Z' })
  expires_at!: string;
}

export class OpenConsoleSessionDto {
  @ApiProperty({ description: 'The token from the link', example: '4kq9Zb3nWc0rJ8yT1mXv2hL6pQe5sA7uD9fG0iK3oNw' })
  @IsString() @Matches(/^[A-Za-z0-9_-]{20,100}$/, { message: 'token is malformed' })
  token!: string;
}

export class ConsoleSessionResponse {
  @ApiProperty({ format: 'uuid', example: '019ad0a4-5c1e-7b3e-9a51-3f1c2d4e5f60' })
  tenant_id!: string;

  @ApiProperty({ example: 'Acme Inc.' })
  tenant_name!: string;

  @ApiProperty({ enum: CONSOLE_ROLES, example: 'editor' })
  role!: ConsoleRole;

  @ApiProperty({ description: 'Send as X-CSRF-Token with every API call of the session', example: 'pX3b9Q0sVt1mZk8cYw2hR5nL7aJd4fG6eU0iO3qTsBw' })
  csrf_token!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-29T14:00:00.000Z' })
  expires_at!: string;
}

export class RevokeConsoleSessionsResponse {
  @ApiProperty({ description: 'Console links revoked (each opened one was a session)', example: 3 }) revoked!: number;
}
