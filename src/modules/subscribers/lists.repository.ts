import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { RowError } from './member-rows';

/** SQL of the admin list writes that TypeORM's repository API does not say well. */
@Injectable()
export class ListsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The existing subscriber of each address (the most recently updated one when Member Center has several). */
  async subscribersByEmail(m: EntityManager, tenantId: string, emails: string[]): Promise<Map<string, { id: string }>> {
    const rows: { email: string; id: string }[] = await m.query(
      `SELECT DISTINCT ON (email) email, id FROM subscribers
        WHERE tenant_id = $1 AND email = ANY($2::text[])
        ORDER BY email, last_occurred_at DESC, id`,
      [tenantId, emails],
    );
    return new Map(rows.map((r) => [r.email, { id: r.id }]));
  }

  /** Of these addresses, those on the tenant's active suppression list. */
  async suppressedAmong(m: EntityManager, tenantId: string, emails: string[]): Promise<number> {
    const [{ n }]: { n: number }[] = await m.query(
      `SELECT count(*)::int AS n FROM suppressions WHERE tenant_id = $1 AND email = ANY($2::text[]) AND lifted_at IS NULL`,
      [tenantId, emails],
    );
    return n;
  }

  /** Adds one chunk's counts and (up to `maxErrors` in all) its refused rows to an import. */
  async recordImportProgress(importId: string, read: number, imported: number, errors: RowError[], maxErrors: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE list_imports
          SET rows_read = rows_read + $2, rows_imported = rows_imported + $3, rows_failed = rows_failed + $4,
              errors = CASE WHEN jsonb_array_length(errors) >= $6 THEN errors
                            ELSE errors || (SELECT COALESCE(jsonb_agg(e), '[]'::jsonb)
                                              FROM (SELECT e FROM jsonb_array_elements($5::jsonb) e LIMIT $6 - jsonb_array_length(errors)) x)
                       END
        WHERE id = $1`,
      [importId, read, imported, errors.length, JSON.stringify(errors), maxErrors],
    );
  }
}
