import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
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
  @ApiOperation({ operationId: 'createTenant', summary: 'Create a tenant', description: 'A new tenant; the slug is derived from the name unless given. 409 `slug_taken` when another tenant has it.' })
  @ApiBody({ type: CreateTenantDto, examples: { named: { summary: 'Name only', value: { name: 'Acme Inc.' } }, slug: { summary: 'With a slug', value: { name: 'Acme Inc.', slug: 'acme' } } } })
  @ApiCreatedResponse({ type: TenantResponse })
  @ApiProblems(409)
  create(@Body() dto: CreateTenantDto): Promise<TenantResponse> {
    return this.tenants.create(dto);
  }

  @ApiOperation({ operationId: 'listTenants', summary: 'List tenants', description: 'Every tenant, newest first, with an opaque `next_cursor` (platform admins only).' })
  @Get()
  @ApiOkResponse({ type: TenantPage })
  list(@Query() query: PageQueryDto): Promise<Page<TenantResponse>> {
    return this.tenants.list(query);
  }

  @ApiOperation({ operationId: 'getTenant', summary: 'Get a tenant', description: 'The tenant with its settings.' })
  @ApiOkResponse({ type: TenantResponse })
  @ApiProblems(404)
  @Get(':id')
  get(@Param('id', ParseIdPipe) id: string): Promise<TenantResponse> {
    return this.tenants.get(id);
  }

  @ApiOperation({ operationId: 'updateTenant', summary: 'Update a tenant', description: 'Renames the tenant or sets its overrides of the platform defaults (send rate, from address, API rate limit).' })
  @ApiBody({ type: UpdateTenantDto, examples: { settings: { summary: 'Send rate and sender', value: { send_rate_per_second: 50, from_address: 'news@acme.example' } } } })
  @ApiOkResponse({ type: TenantResponse })
  @ApiProblems(404)
  @Patch(':id')
  update(@Param('id', ParseIdPipe) id: string, @Body() dto: UpdateTenantDto): Promise<TenantResponse> {
    return this.tenants.update(id, dto);
  }

  @ApiOperation({ operationId: 'createApiKey', summary: 'Create an API key', description: 'A `whk_{sandbox|test|live}_…` key for the `/v1/*` API; the key appears only in this response (stored as SHA-256).' })
  @ApiBody({ type: CreateApiKeyDto, examples: { live: { summary: 'A production key', value: { name: 'billing service', environment: 'live' } } } })
  @ApiCreatedResponse({ type: ApiKeyCreatedResponse })
  @ApiProblems(404)
  @Post(':id/api-keys')
  createApiKey(@Param('id', ParseIdPipe) id: string, @Body() dto: CreateApiKeyDto): Promise<ApiKeyCreatedResponse> {
    return this.credentials.createApiKey(id, dto);
  }

  @ApiOperation({ operationId: 'revokeApiKey', summary: 'Revoke an API key', description: 'The key stops working at once in every process (cache cleared through Redis pub/sub).' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(404)
  @Delete(':id/api-keys/:keyId')
  @HttpCode(204)
  revokeApiKey(@Param('id', ParseIdPipe) id: string, @Param('keyId', ParseIdPipe) keyId: string): Promise<void> {
    return this.credentials.revokeApiKey(id, keyId);
  }

  @ApiOperation({ operationId: 'createMemberCenterClient', summary: 'Create a Member Center client', description: 'An HMAC client for the Member Center webhooks, bound to this tenant; the secret appears only in this response.' })
  @ApiBody({ type: CreateMemberCenterClientDto, examples: { named: { summary: 'With a chosen client id', value: { client_id: 'member-center-prod' } }, generated: { summary: 'Generated id', value: {} } } })
  @ApiCreatedResponse({ type: MemberCenterClientCreatedResponse })
  @ApiProblems(404, 409)
  @Post(':id/member-center-clients')
  createMemberCenterClient(
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: CreateMemberCenterClientDto,
  ): Promise<MemberCenterClientCreatedResponse> {
    return this.credentials.createMemberCenterClient(id, dto);
  }

  @ApiOperation({ operationId: 'rotateMemberCenterSecret', summary: 'Rotate a Member Center secret', description: 'A new secret; the previous one stays valid for MEMBER_CENTER_SECRET_OVERLAP_HOURS.' })
  @ApiCreatedResponse({ type: MemberCenterSecretResponse })
  @ApiProblems(404)
  @Post(':id/member-center-clients/:clientId/rotate')
  rotateMemberCenterSecret(
    @Param('id', ParseIdPipe) id: string,
    @Param('clientId') clientId: string,
  ): Promise<MemberCenterSecretResponse> {
    return this.credentials.rotateMemberCenterSecret(id, clientId);
  }

  @ApiOperation({ operationId: 'updateMemberCenterClient', summary: 'Enable, disable or rebind a Member Center client', description: 'Sets whether the client may call, and which tenants its requests may name.' })
  @ApiBody({ type: UpdateMemberCenterClientDto, examples: { disable: { summary: 'Disable', value: { enabled: false } }, bind: { summary: 'Bind two tenants', value: { tenant_ids: ['0193c2a4-5b6e-7c01-9d2e-3f4a5b6c7d8e', '0193c2a4-6c7d-7e02-8f3a-4b5c6d7e8f90'] } } } })
  @ApiOkResponse({ type: MemberCenterClientResponse })
  @ApiProblems(404)
  @Patch(':id/member-center-clients/:clientId')
  updateMemberCenterClient(
    @Param('id', ParseIdPipe) id: string,
    @Param('clientId') clientId: string,
    @Body() dto: UpdateMemberCenterClientDto,
  ): Promise<MemberCenterClientResponse> {
    return this.credentials.updateMemberCenterClient(id, clientId, dto);
  }

  @ApiOperation({ operationId: 'createOAuthClient', summary: 'Create an OAuth client', description: 'Client credentials for `POST /oauth/token`; the secret appears only in this response (stored as SHA-256).' })
  @ApiBody({ type: CreateOAuthClientDto, examples: { write: { summary: 'Read and write', value: { scopes: ['webhooks:read', 'webhooks:write'] } } } })
  @ApiCreatedResponse({ type: OAuthClientCreatedResponse })
  @ApiProblems(404)
  @Post(':id/oauth-clients')
  createOAuthClient(@Param('id', ParseIdPipe) id: string, @Body() dto: CreateOAuthClientDto): Promise<OAuthClientCreatedResponse> {
    return this.credentials.createOAuthClient(id, dto);
  }

  @ApiOperation({ operationId: 'createCallbackSecret', summary: 'Create the job-callback secret', description: 'A new `whsec_…` secret that signs the tenant\'s job callbacks (replaces the previous one); shown only in this response.' })
  @ApiCreatedResponse({ type: CallbackSecretResponse })
  @ApiProblems(404)
  @Post(':id/callback-secret')
  createCallbackSecret(@Param('id', ParseIdPipe) id: string): Promise<CallbackSecretResponse> {
    return this.credentials.createCallbackSecret(id);
  }
}
