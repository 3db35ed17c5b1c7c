import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** RFC 6749 §4.4 token request (form-encoded or JSON); client credentials in the body or in HTTP Basic. */
export class TokenRequestDto {
  @ApiProperty({ example: 'client_credentials' }) @IsOptional() @IsString() @MaxLength(64) grant_type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) client_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(512) client_secret?: string;
  @ApiPropertyOptional({ description: 'Space-separated subset of the client\'s scopes' })
  @IsOptional() @IsString() @MaxLength(1024) scope?: string;
}

export class TokenResponse {
  @ApiProperty() access_token!: string;
  @ApiProperty({ example: 'Bearer' }) token_type!: 'Bearer';
  @ApiProperty({ example: 3600 }) expires_in!: number;
  @ApiProperty({ example: 'webhooks:read webhooks:write' }) scope!: string;
}
