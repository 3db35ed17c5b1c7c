import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyResolver } from '../../common/auth/credential-resolver';
import { TokenIssuer } from '../../common/auth/token-issuer';
import { RedisModule } from '../../common/redis/redis.module';
import { ApiKeyCache } from './api-key-cache';
import { ApiKey, MemberCenterClient, MemberCenterSecret, OAuthClient } from './credentials.entity';
import { CredentialsService } from './credentials.service';
import { OAuthController } from './oauth.controller';
import { OAuthService } from './oauth.service';
import { Tenant } from './tenant.entity';
import { TenantsController } from './tenants.controller';
import { TenantsService } from './tenants.service';

@Module({
  imports: [TypeOrmModule.forFeature([Tenant, ApiKey, OAuthClient, MemberCenterClient, MemberCenterSecret]), RedisModule],
  controllers: [TenantsController, OAuthController],
  providers: [TenantsService, CredentialsService, ApiKeyCache, OAuthService, TokenIssuer, { provide: ApiKeyResolver, useExisting: CredentialsService }],
  exports: [TenantsService, CredentialsService, ApiKeyResolver],
})
export class TenantsModule {}
