import { Column, Entity, Index, UpdateDateColumn } from 'typeorm';
import { BaseEntity } from '../../common/database/base.entity';

/** Per-tenant overrides of the platform defaults (PATCH /api/tenants/{id}). */
export interface TenantSettings {
  send_rate_per_second?: number;
  from_address?: string;
  rate_limit_per_minute?: number;
  /** Job submissions (POST /jobs) per minute; JOBS_PER_MINUTE when absent. */
  jobs_per_minute?: number;
  /** Bulk recover pace (dead letters replayed per second). */
  replay_rate_per_second?: number;
}

@Entity('tenants')
export class Tenant extends BaseEntity {
  @Column('text')
  name!: string;

  @Index('uq_tenants_slug', { unique: true })
  @Column('text')
  slug!: string;

  @Column('jsonb', { default: () => "'{}'" })
  settings!: TenantSettings;

  /** The jobs API's callback signing secret (`whsec_…`), sealed with APP_ENCRYPTION_KEY. */
  @Column('text', { nullable: true })
  callbackSecretSealed!: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
