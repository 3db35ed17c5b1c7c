import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../common/auth/auth.decorators';
import { ValidationStatus } from '../../common/errors/validation-status.decorator';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { Page, PageQueryDto } from '../../common/pagination/cursor';
import { CredentialsService } from './credentials.service';
import {
  ApiKeyCreatedResponse,
  CallbackSecretResponse,
  CreateApiKeyDto,
  CreateMemberCenterClientDto,
  CreateOAuthClientDto,
  CreateTenantDto,
  MemberCenterClientCreatedResponse,
  MemberCenterClientResponse,
  MemberCenterSecretResponse,
  OAuthClientCreatedResponse,
  TenantPage,
  TenantResponse,
  UpdateMemberCenterClientDto,
  UpdateTenantDto,
} from './tenants.dto';
import { TenantsService } from './tenants.service';

/** Platform administration: tenants and their credentials. Secrets appear only in 201 responses. */
@ApiTags('Admin: tenants')
@ValidationStatus(422)
@Authenticated({ role: 'admin' })
@Controller('api/tenants')
export class TenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly credentials: CredentialsService,
  ) {}

  @Post()
  create(@Body() dto: CreateTenantDto): Promise<TenantResponse> {
    return this.tenants.create(dto);
  }

  @Get()
  @ApiOkResponse({ type: TenantPage })
  list(@Query() query: PageQueryDto): Promise<Page<TenantResponse>> {
    return this.tenants.list(query);
  }

  @Get(':id')
  get(@Param('id', ParseIdPipe) id: string): Promise<TenantResponse> {
    return this.tenants.get(id);
  }

  @Patch(':id')
  update(@Param('id', ParseIdPipe) id: string, @Body() dto: UpdateTenantDto): Promise<TenantResponse> {
    return this.tenants.update(id, dto);
  }

  @Post(':id/api-keys')
  createApiKey(@Param('id', ParseIdPipe) id: string, @Body() dto: CreateApiKeyDto): Promise<ApiKeyCreatedResponse> {
    return this.credentials.createApiKey(id, dto);
  }

  @Delete(':id/api-keys/:keyId')
  @HttpCode(204)
  revokeApiKey(@Param('id', ParseIdPipe) id: string, @Param('keyId', ParseIdPipe) keyId: string): Promise<void> {
    return this.credentials.revokeApiKey(id, keyId);
  }

  @Post(':id/member-center-clients')
  createMemberCenterClient(
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: CreateMemberCenterClientDto,
  ): Promise<MemberCenterClientCreatedResponse> {
    return this.credentials.createMemberCenterClient(id, dto);
  }

  @Post(':id/member-center-clients/:clientId/rotate')
  rotateMemberCenterSecret(
    @Param('id', ParseIdPipe) id: string,
    @Param('clientId') clientId: string,
  ): Promise<MemberCenterSecretResponse> {
    return this.credentials.rotateMemberCenterSecret(id, clientId);
  }

  @Patch(':id/member-center-clients/:clientId')
  updateMemberCenterClient(
    @Param('id', ParseIdPipe) id: string,
    @Param('clientId') clientId: string,
    @Body() dto: UpdateMemberCenterClientDto,
  ): Promise<MemberCenterClientResponse> {
    return this.credentials.updateMemberCenterClient(id, clientId, dto);
  }

  @Post(':id/oauth-clients')
  createOAuthClient(@Param('id', ParseIdPipe) id: string, @Body() dto: CreateOAuthClientDto): Promise<OAuthClientCreatedResponse> {
    return this.credentials.createOAuthClient(id, dto);
  }

  @Post(':id/callback-secret')
  createCallbackSecret(@Param('id', ParseIdPipe) id: string): Promise<CallbackSecretResponse> {
    return this.credentials.createCallbackSecret(id);
  }
}
