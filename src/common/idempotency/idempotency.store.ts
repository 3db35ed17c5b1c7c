import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { IdempotencyKey } from './idempotency-key.entity';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

type KeyId = Pick<IdempotencyKey, 'owner' | 'scope' | 'key'>;
export type Claim = { kind: 'claimed' } | { kind: 'existing'; row: IdempotencyKey };

/** The idempotency table. A claim is one INSERT … ON CONFLICT DO NOTHING, so two racing requests never both win. */
@Injectable()
export class IdempotencyStore {
  constructor(@InjectRepository(IdempotencyKey) private readonly rows: Repository<IdempotencyKey>) {}

  async claim({ fingerprint, ...id }: KeyId & { fingerprint: string }): Promise<Claim> {
    // An expired key is free again.
    await this.rows.delete({ ...id, expiresAt: LessThan(new Date()) });
    const inserted: unknown[] = await this.rows.query(
      `INSERT INTO idempotency_keys (owner, scope, key, fingerprint, state, expires_at)
       VALUES ($1, $2, $3, $4, 'in_progress', now() + make_interval(secs => $5))
       ON CONFLICT DO NOTHING RETURNING key`,
      [id.owner, id.scope, id.key, fingerprint, IDEMPOTENCY_TTL_MS / 1000],
    );
    if (inserted.length > 0) return { kind: 'claimed' };
    const row = await this.rows.findOneBy(id);
    // Deleted between our insert and read (released by a failing request): treat as in progress; the client retries.
    return { kind: 'existing', row: row ?? Object.assign(new IdempotencyKey(), { ...id, fingerprint, state: 'in_progress' }) };
  }

  async complete(id: KeyId, statusCode: number, body: unknown): Promise<void> {
    await this.rows.update(id, { state: 'completed', statusCode, responseBody: body as object });
  }

  async release(id: KeyId): Promise<void> {
    await this.rows.delete(id);
  }

  async purgeExpired(): Promise<number> {
    const result = await this.rows.delete({ expiresAt: LessThan(new Date()) });
    return result.affected ?? 0;
  }
}
