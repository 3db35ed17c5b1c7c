import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { Page, PageQueryDto, paginate } from '../../common/pagination/cursor';
import { isUuid } from '../../common/http/parse-id.pipe';
import { CreateTenantDto, TenantResponse, UpdateTenantDto } from './tenants.dto';
import { Tenant, TenantSettings } from './tenant.entity';

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/g, '');
  return slug || 'tenant';
}

/** PATCH semantics: a setting the body names replaces the stored one; settings it leaves out (or undefined) stay. */
export function mergeSettings<S extends object>(current: S, patch: Partial<S>): S {
  const merged: Record<string, unknown> = { ...(current as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) merged[k] = v;
  return merged as S;
}

const isUniqueViolation = (e: unknown) => e instanceof QueryFailedError && (e as { code?: string }).code === '23505';

@Injectable()
export class TenantsService {
  constructor(@InjectRepository(Tenant) private readonly tenants: Repository<Tenant>) {}

  async create(dto: CreateTenantDto): Promise<TenantResponse> {
    const tenant = this.tenants.create({ name: dto.name, slug: dto.slug ?? slugify(dto.name), settings: {} });
    try {
      await this.tenants.insert(tenant);
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('conflict', `The slug "${tenant.slug}" is taken`, { reason: 'slug_taken' });
      throw e;
    }
    return this.toResponse(await this.require(tenant.id));
  }

  /** Every tenant, newest first (platform admins). */
  async list(query: PageQueryDto): Promise<Page<TenantResponse>> {
    return paginate(this.tenants.createQueryBuilder('t'), query, (t) => this.toResponse(t));
  }

  async get(id: string): Promise<TenantResponse> {
    return this.toResponse(await this.require(id));
  }

  async update(id: string, dto: UpdateTenantDto): Promise<TenantResponse> {
    const tenant = await this.require(id);
    const { name, ...settings } = dto;
    if (name !== undefined) tenant.name = name;
    tenant.settings = mergeSettings(tenant.settings, settings);
    await this.tenants.save(tenant);
    return this.toResponse(await this.require(id));
  }

  /** The tenant or 404. */
  async require(id: string): Promise<Tenant> {
    const tenant = await this.tenants.findOneBy({ id });
    if (!tenant) throw AppError.notFound('Tenant');
    return tenant;
  }

  /**
   * Whether a tenant with this id exists (for other modules: a tag or a body naming a tenant). Pass the caller's
   * transaction `manager` when inside one, so the check does not wait for a second pooled connection.
   */
  exists(id: string, manager: EntityManager = this.tenants.manager): Promise<boolean> {
    return manager.getRepository(Tenant).existsBy({ id });
  }

  /** The tenant's settings ({} for an unknown tenant): what other modules read of it, e.g. its send rate. */
  async settingsOf(id: string): Promise<TenantSettings> {
    return (await this.tenants.findOne({ select: { id: true, settings: true }, where: { id } }))?.settings ?? {};
  }

  /** By id or slug (the FlexEngage routes take either as `brandId`). */
  async findByIdOrSlug(idOrSlug: string): Promise<Tenant | null> {
    return this.tenants.findOneBy(isUuid(idOrSlug) ? { id: idOrSlug.toLowerCase() } : { slug: idOrSlug });
  }

  private toResponse(t: Tenant): TenantResponse {
    return {
      id: t.id,
      name: t.name,
      slug: t.slug,
      settings: { ...t.settings },
      created_at: t.createdAt.toISOString(),
      updated_at: t.updatedAt.toISOString(),
    };
  }
}
