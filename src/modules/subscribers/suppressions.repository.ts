import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { SuppressionReason } from './subscriber-status';
import { Suppression } from './suppression.entity';

/** The tenant's suppression rows; at most one active (not lifted) row per address. */
@Injectable()
export class SuppressionsRepository {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Suppression) private readonly suppressions: Repository<Suppression>,
  ) {}

  /** The addresses of `emails` (already normalised) with an active suppression: one query for a whole batch. */
  async activeAmong(tenantId: string, emails: string[], m: EntityManager = this.dataSource.manager): Promise<Set<string>> {
    const rows: { email: string }[] = await m.query(
      'SELECT email FROM suppressions WHERE tenant_id = $1 AND email = ANY($2::text[]) AND lifted_at IS NULL',
      [tenantId, emails],
    );
    return new Set(rows.map((r) => r.email));
  }

  /** Adds an active suppression; false when the address already has one. */
  async insert(m: EntityManager, tenantId: string, email: string, reason: SuppressionReason, source: string): Promise<boolean> {
    const inserted: unknown[] = await m.query(
      `INSERT INTO suppressions (id, tenant_id, email, reason, source) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, email) WHERE lifted_at IS NULL DO NOTHING RETURNING id`,
      [uuidv7(), tenantId, email, reason, source],
    );
    return inserted.length > 0;
  }

  /** Lifts the active suppression of an address, keeping the row; false when there was none. */
  async lift(tenantId: string, email: string, liftedBy: string): Promise<boolean> {
    const result = await this.suppressions
      .createQueryBuilder()
      .update()
      .set({ liftedAt: () => 'now()', liftedBy })
      .where('tenant_id = :tenantId AND email = :email AND lifted_at IS NULL', { tenantId, email })
      .execute();
    return !!result.affected;
  }

  /** Active suppressions of a tenant; `contains` keeps the addresses containing it (case-insensitive, literal). */
  activeQuery(tenantId: string, contains?: string) {
    const qb = this.suppressions.createQueryBuilder('s').where('s.tenant_id = :tenantId AND s.lifted_at IS NULL', { tenantId });
    if (contains) qb.andWhere(`s.email ILIKE :q ESCAPE '\\'`, { q: `%${contains.replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    return qb;
  }

  findActive(tenantId: string, email: string): Promise<Suppression | null> {
    return this.suppressions.findOneBy({ tenantId, email, liftedAt: IsNull() });
  }
}
