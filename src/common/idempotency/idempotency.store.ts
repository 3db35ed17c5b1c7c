import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { Batcher } from '../batching/batcher';
import { IdempotencyKey } from './idempotency-key.entity';
import { completionCte, completionParamsOfJson } from './pending-idempotency';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

type KeyId = Pick<IdempotencyKey, 'owner' | 'scope' | 'key'>;
export type Claim = { kind: 'claimed' } | { kind: 'existing'; row: IdempotencyKey };
type Completion = KeyId & { statusCode: number; json: string | null };

/** Concurrent requests share a statement; two flushes in flight leave the pool to the handlers. */
const BATCH = { maxBatch: 100, maxConcurrent: 2 };

/**
 * Claims for a batch, in one statement: a new key is inserted, an expired one taken over (it is free again), a live
 * one left alone. Two racing requests never both win: the row's unique key decides. (One key twice in a batch
 * makes the statement fail — DO UPDATE cannot touch a row twice — and the Batcher then claims item by item.)
 */
const CLAIM = `
INSERT INTO idempotency_keys (owner, scope, key, fingerprint, state, expires_at)
SELECT v.owner, v.scope, v.key, v.fingerprint, 'in_progress', now() + make_interval(secs => $5)
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS v(owner, scope, key, fingerprint)
ON CONFLICT (owner, scope, key) DO UPDATE
   SET fingerprint = EXCLUDED.fingerprint, state = 'in_progress', status_code = NULL, response_body = NULL,
       created_at = now(), expires_at = EXCLUDED.expires_at
 WHERE idempotency_keys.expires_at < now()
RETURNING owner, scope, key`;

const COMPLETE = completionCte(1);

const idOf = (k: KeyId) => JSON.stringify([k.owner, k.scope, k.key]);

/** The idempotency table. Claims and completions of concurrent requests are group-committed (one statement each). */
@Injectable()
export class IdempotencyStore {
  private readonly claims = new Batcher((items: (KeyId & { fingerprint: string })[]) => this.claimMany(items), BATCH);
  private readonly completions = new Batcher((items: Completion[]) => this.completeMany(items), BATCH);

  constructor(@InjectRepository(IdempotencyKey) private readonly rows: Repository<IdempotencyKey>) {}

  async claim(item: KeyId & { fingerprint: string }): Promise<Claim> {
    if (await this.claims.run(item)) return { kind: 'claimed' };
    const id: KeyId = { owner: item.owner, scope: item.scope, key: item.key };
    const row = await this.rows.findOneBy(id);
    // Deleted between our insert and read (released by a failing request): treat as in progress; the client retries.
    return { kind: 'existing', row: row ?? Object.assign(new IdempotencyKey(), { ...id, fingerprint: item.fingerprint, state: 'in_progress' }) };
  }

  /** Stores the response (`json`: its body as JSON text, null for none) under a claimed key. */
  completeJson(id: KeyId, statusCode: number, json: string | null): Promise<void> {
    return this.completions.run({ ...id, statusCode, json });
  }

  async release(id: KeyId): Promise<void> {
    await this.rows.delete(id);
  }

  async purgeExpired(): Promise<number> {
    const result = await this.rows.delete({ expiresAt: LessThan(new Date()) });
    return result.affected ?? 0;
  }

  /** Whether each item won its key. */
  private async claimMany(items: (KeyId & { fingerprint: string })[]): Promise<boolean[]> {
    const won = (await this.rows.query(CLAIM, [
      items.map((i) => i.owner),
      items.map((i) => i.scope),
      items.map((i) => i.key),
      items.map((i) => i.fingerprint),
      IDEMPOTENCY_TTL_MS / 1000,
    ])) as KeyId[];
    const ids = new Set(won.map(idOf));
    return items.map((i) => ids.has(idOf(i)));
  }

  private async completeMany(items: Completion[]): Promise<void[]> {
    await this.rows.query(COMPLETE, completionParamsOfJson(items.map(({ json, ...key }) => ({ key, json }))));
    return items.map(() => undefined);
  }
}
