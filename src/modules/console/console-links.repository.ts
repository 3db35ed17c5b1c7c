import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConsoleLink } from './console-link.entity';

export type LinkState = { link: ConsoleLink; outcome: 'opened' | 'used' | 'expired' } | null;

/** Console links: insert, and the one statement that opens a link at most once. */
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
      .where('token_hash = :tokenHash AND used_at IS NULL AND expires_at > :now', { tokenHash, now })
      .returning('*')
      .execute();
    const raw = (opened.raw as Record<string, unknown>[])[0];
    if (raw) return { link: this.links.create({ id: raw.id as string, tenantId: raw.tenant_id as string, role: raw.role as ConsoleLink['role'] }), outcome: 'opened' };
    const link = await this.links.findOneBy({ tokenHash });
    if (!link) return null;
    return { link, outcome: link.usedAt ? 'used' : 'expired' };
  }
}
