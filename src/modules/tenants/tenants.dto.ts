import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { API_KEY_ENVIRONMENTS, ApiKeyEnvironment } from './credentials.entity';

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Inc.' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'acme', description: 'Lower-case letters, digits and dashes; derived from name when absent' })
  @IsOptional()
  @Matches(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/)
  slug?: string;
}

export class UpdateTenantDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ description: 'Campaign send rate (messages/s) for this tenant; 0 disables the limit' })
  @IsOptional() @IsInt() @Min(0) @Max(100000) send_rate_per_second?: number;
  @ApiPropertyOptional({ example: 'news@acme.example' }) @IsOptional() @IsEmail() from_address?: string;
  @ApiPropertyOptional({ description: 'API requests per minute per route family' })
  @IsOptional() @IsInt() @Min(1) @Max(1000000) rate_limit_per_minute?: number;
  @ApiPropertyOptional({ description: 'Job submissions (POST /jobs) per minute: the job quota', example: 600 })
  @IsOptional() @IsInt() @Min(1) @Max(10000000) jobs_per_minute?: number;
  @ApiPropertyOptional({ description: 'Dead letters a bulk recover replays per second for this tenant', example: 5 })
  @IsOptional() @IsInt() @Min(1) @Max(10000) replay_rate_per_second?: number;
}

export class TenantResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() slug!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) settings!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class TenantPage {
  @ApiProperty({ type: [TenantResponse] }) data!: TenantResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next (older) page; null on the last page' })
  next_cursor!: string | null;
}

export class CreateApiKeyDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiProperty({ enum: API_KEY_ENVIRONMENTS }) @IsIn(API_KEY_ENVIRONMENTS) environment!: ApiKeyEnvironment;
}

export class ApiKeyCreatedResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The key itself; shown only in this response', example: 'whk_live_…' }) key!: string;
  @ApiProperty({ example: 'whk_live_AbCd' }) prefix!: string;
  @ApiProperty({ enum: API_KEY_ENVIRONMENTS }) environment!: ApiKeyEnvironment;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class CreateMemberCenterClientDto {
  @ApiPropertyOptional({ example: 'member-center-prod', description: 'Generated when absent' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{3,128}$/)
  client_id?: string;
}

export class UpdateMemberCenterClientDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @IsUUID('all', { each: true })
  tenant_ids?: string[];
}

export class MemberCenterClientCreatedResponse {
  @ApiProperty() client_id!: string;
  @ApiProperty({ description: 'HMAC secret; shown only in this response' }) secret!: string;
  @ApiProperty({ type: [String] }) tenant_ids!: string[];
}

export class MemberCenterSecretResponse {
  @ApiProperty() client_id!: string;
  @ApiProperty({ description: 'The new HMAC secret; the previous one stays valid for the overlap' }) secret!: string;
}

export class MemberCenterClientResponse {
  @ApiProperty() client_id!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: [String] }) tenant_ids!: string[];
}

export class CreateOAuthClientDto {
  @ApiPropertyOptional({ type: [String], example: ['webhooks:read', 'webhooks:write'] })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @Matches(/^[a-z][a-z0-9:._-]{0,63}$/, { each: true })
  scopes?: string[];
}

export class OAuthClientCreatedResponse {
  @ApiProperty() client_id!: string;
  @ApiProperty({ description: 'Shown only in this response' }) client_secret!: string;
  @ApiProperty({ type: [String] }) scopes!: string[];
}

export class CallbackSecretResponse {
  @ApiProperty({ example: 'whsec_…', description: 'Signs the jobs API\'s callbacks; shown only in this response' })
  secret!: string;
}
