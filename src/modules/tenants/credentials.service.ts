import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, MoreThan, Repository } from 'typeorm';
import { ApiKeyCache } from './api-key-cache';
import { ApiKeyResolver } from '../../common/auth/credential-resolver';
import { Principal, Role } from '../../common/auth/principal';
import { newWebhookSecret, randomToken, SecretBox, sha256Hex, safeEqual } from '../../common/crypto/secrets';
import { AppError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { ApiKey, MemberCenterClient, MemberCenterSecret, OAuthClient } from './credentials.entity';
import {
  ApiKeyCreatedResponse,
  CallbackSecretResponse,
  CreateApiKeyDto,
  CreateMemberCenterClientDto,
  CreateOAuthClientDto,
  MemberCenterClientCreatedResponse,
  MemberCenterClientResponse,
  MemberCenterSecretResponse,
  OAuthClientCreatedResponse,
  UpdateMemberCenterClientDto,
} from './tenants.dto';
import { Tenant } from './tenant.entity';
import { TenantsService } from './tenants.service';

const DEFAULT_OAUTH_SCOPES = ['webhooks:read', 'webhooks:write'];

/** OAuth scopes → the role the issued token carries: any `…:write` scope makes an editor. */
export function roleForScopes(scopes: string[]): Role {
  return scopes.some((s) => s.endsWith(':write')) ? 'editor' : 'viewer';
}

/** A Member Center client with the HMAC secrets valid right now (newest first). */
export interface MemberCenterCredentials {
  clientId: string;
  enabled: boolean;
  tenantIds: string[];
  secrets: string[];
}

/**
 * Every credential a tenant has: API keys, OAuth clients, Member Center HMAC clients and the callback secret.
 * Secrets are generated here, returned once, and stored hashed (keys the engine only checks) or sealed
 * (keys the engine must use to compute an HMAC).
 */
@Injectable()
export class CredentialsService extends ApiKeyResolver {
  private readonly box: SecretBox;

  constructor(
    private readonly config: AppConfig,
    private readonly tenants: TenantsService,
    private readonly dataSource: DataSource,
    private readonly keyCache: ApiKeyCache,
    @InjectRepository(ApiKey) private readonly apiKeys: Repository<ApiKey>,
    @InjectRepository(OAuthClient) private readonly oauthClients: Repository<OAuthClient>,
    @InjectRepository(MemberCenterClient) private readonly mcClients: Repository<MemberCenterClient>,
    @InjectRepository(MemberCenterSecret) private readonly mcSecrets: Repository<MemberCenterSecret>,
  ) {
    super();
    this.box = new SecretBox(config.encryptionKey);
  }

  // --- API keys ---------------------------------------------------------------------------------

  async createApiKey(tenantId: string, dto: CreateApiKeyDto): Promise<ApiKeyCreatedResponse> {
    await this.tenants.require(tenantId);
    const key = `whk_${dto.environment}_${randomToken(30)}`;
    const row = this.apiKeys.create({
      tenantId,
      name: dto.name ?? null,
      environment: dto.environment,
      prefix: key.slice(0, `whk_${dto.environment}_`.length + 6),
      keyHash: sha256Hex(key),
      revokedAt: null,
    });
    await this.apiKeys.insert(row);
    return { id: row.id, key, prefix: row.prefix, environment: row.environment, created_at: row.createdAt.toISOString() };
  }

  async revokeApiKey(tenantId: string, keyId: string): Promise<void> {
    const result = await this.apiKeys.update({ id: keyId, tenantId, revokedAt: IsNull() }, { revokedAt: new Date() });
    if (!result.affected) throw AppError.notFound('API key');
    await this.keyCache.clear();
  }

  override async resolve(key: string): Promise<Principal | null> {
    const keyHash = sha256Hex(key);
    return this.keyCache.get(keyHash, async () => {
      const row = await this.apiKeys.findOneBy({ keyHash, revokedAt: IsNull() });
      return row && { kind: 'api_key', subject: row.id, tenantId: row.tenantId, roles: ['editor'] };
    });
  }

  // --- OAuth clients ----------------------------------------------------------------------------

  async createOAuthClient(tenantId: string, dto: CreateOAuthClientDto): Promise<OAuthClientCreatedResponse> {
    await this.tenants.require(tenantId);
    const scopes = dto.scopes?.length ? [...new Set(dto.scopes)] : DEFAULT_OAUTH_SCOPES;
    const clientId = `oc_${randomToken(12)}`;
    const secret = `ocs_${randomToken(32)}`;
    await this.oauthClients.insert(
      this.oauthClients.create({ clientId, tenantId, secretHash: sha256Hex(secret), scopes, revokedAt: null }),
    );
    return { client_id: clientId, client_secret: secret, scopes };
  }

  /** Checks client credentials; null when unknown, revoked or the secret is wrong. */
  async authenticateOAuthClient(clientId: string, secret: string): Promise<OAuthClient | null> {
    const row = await this.oauthClients.findOneBy({ clientId, revokedAt: IsNull() });
    if (!row || !safeEqual(row.secretHash, sha256Hex(secret))) return null;
    return row;
  }

  // --- Member Center clients --------------------------------------------------------------------

  async createMemberCenterClient(tenantId: string, dto: CreateMemberCenterClientDto): Promise<MemberCenterClientCreatedResponse> {
    await this.tenants.require(tenantId);
    const clientId = dto.client_id ?? `mc_${randomToken(12)}`;
    const secret = this.newMemberCenterSecret();
    await this.dataSource.transaction(async (tx) => {
      const inserted: unknown[] = await tx.query(
        'INSERT INTO member_center_clients (client_id, tenant_ids) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING client_id',
        [clientId, [tenantId]],
      );
      if (inserted.length === 0) {
        throw new AppError('conflict', `Member Center client "${clientId}" exists`, { reason: 'client_exists' });
      }
      await tx.insert(MemberCenterSecret, tx.create(MemberCenterSecret, { clientId, secretSealed: this.box.seal(secret), expiresAt: null }));
    });
    return { client_id: clientId, secret, tenant_ids: [tenantId] };
  }

  /** New current secret; the previous current one stays valid for MEMBER_CENTER_SECRET_OVERLAP_HOURS. */
  async rotateMemberCenterSecret(tenantId: string, clientId: string): Promise<MemberCenterSecretResponse> {
    await this.requireMemberCenterClient(tenantId, clientId);
    const secret = this.newMemberCenterSecret();
    const overlapEnds = new Date(Date.now() + this.config.MEMBER_CENTER_SECRET_OVERLAP_HOURS * 3600_000);
    await this.dataSource.transaction(async (tx) => {
      // Concurrent rotations of one client take turns: without the row lock their two UPDATEs lock the secrets
      // in different orders and Postgres aborts one as a deadlock (a 500 the fuzzer found).
      await tx.getRepository(MemberCenterClient).findOne({ where: { clientId }, lock: { mode: 'pessimistic_write' } });
      // Only the newest secret survives the overlap: older ones end now, the current one at the overlap's end.
      await tx
        .createQueryBuilder()
        .update(MemberCenterSecret)
        .set({ expiresAt: () => 'LEAST(expires_at, now())' })
        .where('client_id = :clientId AND expires_at IS NOT NULL', { clientId })
        .execute();
      await tx.update(MemberCenterSecret, { clientId, expiresAt: IsNull() }, { expiresAt: overlapEnds });
      await tx.insert(MemberCenterSecret, tx.create(MemberCenterSecret, { clientId, secretSealed: this.box.seal(secret), expiresAt: null }));
    });
    return { client_id: clientId, secret };
  }

  async updateMemberCenterClient(
    tenantId: string,
    clientId: string,
    dto: UpdateMemberCenterClientDto,
  ): Promise<MemberCenterClientResponse> {
    const client = await this.requireMemberCenterClient(tenantId, clientId);
    if (dto.tenant_ids) {
      const ids = [...new Set(dto.tenant_ids.map((t) => t.toLowerCase()))];
      const found = await this.dataSource.getRepository(Tenant).countBy({ id: In(ids) });
      if (found !== ids.length) throw AppError.validation({ tenant_ids: ['every tenant must exist'] });
      client.tenantIds = ids;
    }
    if (dto.enabled !== undefined) client.enabled = dto.enabled;
    await this.mcClients.save(client);
    return { client_id: client.clientId, enabled: client.enabled, tenant_ids: client.tenantIds };
  }

  /** For the HMAC guard: the client and its currently valid secrets, or null when unknown. */
  async memberCenterCredentials(clientId: string): Promise<MemberCenterCredentials | null> {
    const client = await this.mcClients.findOneBy({ clientId });
    if (!client) return null;
    const secrets = await this.mcSecrets.find({
      where: [
        { clientId, expiresAt: IsNull() },
        { clientId, expiresAt: MoreThan(new Date()) },
      ],
      order: { createdAt: 'DESC' },
    });
    return {
      clientId,
      enabled: client.enabled,
      tenantIds: client.tenantIds,
      secrets: secrets.map((s) => this.box.open(s.secretSealed)),
    };
  }

  private async requireMemberCenterClient(tenantId: string, clientId: string): Promise<MemberCenterClient> {
    await this.tenants.require(tenantId);
    const client = await this.mcClients.findOneBy({ clientId });
    if (!client || !client.tenantIds.includes(tenantId)) throw AppError.notFound('Member Center client');
    return client;
  }

  private newMemberCenterSecret(): string {
    return `mcs_${randomToken(32)}`;
  }

  // --- jobs-API callback secret ----------------------------------------------------------------

  async createCallbackSecret(tenantId: string): Promise<CallbackSecretResponse> {
    const tenant = await this.tenants.require(tenantId);
    const secret = newWebhookSecret();
    await this.dataSource.getRepository(Tenant).update({ id: tenant.id }, { callbackSecretSealed: this.box.seal(secret) });
    return { secret };
  }

  /**
   * The tenant's callback secret, or null before one was created. Pass the caller's transaction `manager` when
   * inside one, so the read does not wait for a second pool connection.
   */
  async callbackSecret(tenantId: string, manager?: EntityManager): Promise<string | null> {
    const tenant = manager ? await manager.findOneBy(Tenant, { id: tenantId }) : await this.tenants.require(tenantId);
    if (!tenant) throw AppError.notFound('Tenant');
    return tenant.callbackSecretSealed ? this.box.open(tenant.callbackSecretSealed) : null;
  }
}
