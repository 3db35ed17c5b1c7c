import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { statusForSuppression, SuppressionReason } from '../subscribers/subscriber-status';

/** Reasons SesEvents suppresses for; `ses_suppression` is SES's own suppression-list report (flat `suppression`). */
export type SesSuppressionReason = Extract<SuppressionReason, 'hard_bounce' | 'complaint' | 'soft_bounce_limit'> | 'ses_suppression';

/**
 * Puts an address on the tenant's suppression list (Subscribers' `suppressions` table) and sets its subscribers'
 * status, in the caller's transaction. Minimal SQL until Subscribers exports its SuppressionList service, which
 * this class then delegates to. True when the address was not suppressed before.
 */
@Injectable()
export class AddressSuppressions {
  async suppress(tenantId: string, email: string, reason: SesSuppressionReason, manager: EntityManager): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO suppressions (id, tenant_id, email, reason, source) VALUES ($1, $2, $3, $4, 'ses')
       ON CONFLICT (tenant_id, email) WHERE lifted_at IS NULL DO NOTHING RETURNING id`,
      [uuidv7(), tenantId, email, reason],
    );
    if (inserted.length === 0) return false;
    const status = reason === 'ses_suppression' ? 'suppressed' : statusForSuppression(reason);
    await manager.query(`UPDATE subscribers SET status = $3, updated_at = now() WHERE tenant_id = $1 AND email = $2`, [tenantId, email, status]);
    return true;
  }
}
