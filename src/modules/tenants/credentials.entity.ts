import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { BaseEntity } from '../../common/database/base.entity';
import { Tenant } from './tenant.entity';

export const API_KEY_ENVIRONMENTS = ['sandbox', 'test', 'live'] as const;
export type ApiKeyEnvironment = (typeof API_KEY_ENVIRONMENTS)[number];

/** `whk_{env}_…` keys for the relay API (`/v1/*`); only the SHA-256 of the key is stored. */
@Entity('api_keys')
export class ApiKey extends BaseEntity {
  @Index('ix_api_keys_tenant')
  @Column('uuid')
  tenantId!: string;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_api_keys_tenant' })
  tenant?: Tenant;


  @Column('text', { nullable: true })
  name!: string | null;

  @Column('text')
  environment!: ApiKeyEnvironment;

  /** The first characters of the key, shown in listings so a key can be recognised. */
  @Column('text')
  prefix!: string;

  @Index('uq_api_keys_hash', { unique: true })
  @Column('text')
  keyHash!: string;

  @Column('timestamptz', { nullable: true })
  revokedAt!: Date | null;
}

/** OAuth2 client-credentials clients (`POST /oauth/token`); the secret is stored as a SHA-256 hash. */
@Entity('oauth_clients')
export class OAuthClient extends BaseEntity {
  @Index('uq_oauth_clients_client_id', { unique: true })
  @Column('text')
  clientId!: string;

  @Index('ix_oauth_clients_tenant')
  @Column('uuid')
  tenantId!: string;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_oauth_clients_tenant' })
  tenant?: Tenant;


  @Column('text')
  secretHash!: string;

  @Column('text', { array: true, default: () => "'{}'" })
  scopes!: string[];

  @Column('timestamptz', { nullable: true })
  revokedAt!: Date | null;
}

/** A Member Center system that signs its webhooks with HMAC; bound to one or more tenants. */
@Entity('member_center_clients')
export class MemberCenterClient {
  @PrimaryColumn('text')
  clientId!: string;

  @Column('uuid', { array: true })
  tenantIds!: string[];

  @Column('boolean', { default: true })
  enabled!: boolean;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}

/** HMAC secrets of a Member Center client, sealed (they must be readable to verify). Two are valid during a rotation. */
@Entity('member_center_secrets')
export class MemberCenterSecret extends BaseEntity {
  @Index('ix_member_center_secrets_client')
  @Column('text')
  clientId!: string;

  @ManyToOne(() => MemberCenterClient, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_member_center_secrets_client' })
  client?: MemberCenterClient;

  @Column('text')
  secretSealed!: string;

  /** Null while current; set when a rotation supersedes it (end of the overlap). */
  @Column('timestamptz', { nullable: true })
  expiresAt!: Date | null;
}
