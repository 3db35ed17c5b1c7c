import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConsoleLink } from './console-link.entity';

export type LinkState = { link: ConsoleLink; outcome: 'opened' | 'used' | 'expired' | 'revoked' } | null;

/** Console links: insert, the one statement that opens a link at most once, and revocation. */
@Injectable()
export class ConsoleLinksRepository {
  constructor(@InjectRepository(ConsoleLink) private readonly links: Repository<ConsoleLink>) {}

  async insert(link: Partial<ConsoleLink>): Promise<ConsoleLink> {
    const row = this.links.create(link);
    await this.links.insert(row);
    return row;
  }

  /**
   * Stamps `used_at` on the link with this token hash if it is unused and unexpired: two concurrent opens of
   * the same link cannot both succeed. Otherwise says why it was refused.
   */
  async open(tokenHash: string, now: Date): Promise<LinkState> {
    const opened = await this.links
      .createQueryBuilder()
      .update()
      .set({ usedAt: now })
      .where('token_hash = :tokenHash AND used_at IS NULL AND revoked_at IS NULL AND expires_at > :now', { tokenHash, now })
      .returning('*')
      .execute();
    const raw = (opened.raw as Record<string, unknown>[])[0];
    if (raw) return { link: this.links.create({ id: raw.id as string, tenantId: raw.tenant_id as string, role: raw.role as ConsoleLink['role'] }), outcome: 'opened' };
    const link = await this.links.findOneBy({ tokenHash });
    if (!link) return null;
    return { link, outcome: link.revokedAt ? 'revoked' : link.usedAt ? 'used' : 'expired' };
  }

  /** True when the link (the session opened from it) was revoked, or no longer exists. */
  async isRevoked(id: string): Promise<boolean> {
    const rows = (await this.links.query(`SELECT revoked_at IS NOT NULL AS revoked FROM console_links WHERE id = $1`, [id])) as { revoked: boolean }[];
    return rows[0]?.revoked ?? true;
  }

  async revoke(id: string): Promise<void> {
    await this.links.query(`UPDATE console_links SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [id]);
  }

  /** Every link of the tenant not yet revoked: open sessions end and unused links can no longer be opened. */
  async revokeTenant(tenantId: string): Promise<number> {
    const result = (await this.links.query(`UPDATE console_links SET revoked_at = now() WHERE tenant_id = $1 AND revoked_at IS NULL RETURNING 1`, [tenantId])) as [
      unknown[],
      number,
    ];
    return result[1];
  }
}
