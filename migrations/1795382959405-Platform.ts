import { MigrationInterface, QueryRunner } from "typeorm";

export class Platform1795382959405 implements MigrationInterface {
    name = 'Platform1795382959405'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "idempotency_keys" (
                "owner" text NOT NULL,
                "scope" text NOT NULL,
                "key" text NOT NULL,
                "fingerprint" text NOT NULL,
                "state" text NOT NULL,
                "status_code" integer,
                "response_body" jsonb,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "pk_idempotency_keys_owner_scope_key" PRIMARY KEY ("owner", "scope", "key")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_idempotency_keys_expires_at" ON "idempotency_keys" ("expires_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "tenants" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "name" text NOT NULL,
                "slug" text NOT NULL,
                "settings" jsonb NOT NULL DEFAULT '{}'::jsonb,
                "callback_secret_sealed" text,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_tenants_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_tenants_slug" ON "tenants" ("slug")
        `);
        await queryRunner.query(`
            CREATE TABLE "api_keys" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "tenant_id" uuid NOT NULL,
                "name" text,
                "environment" text NOT NULL,
                "prefix" text NOT NULL,
                "key_hash" text NOT NULL,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pk_api_keys_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_api_keys_tenant" ON "api_keys" ("tenant_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_api_keys_hash" ON "api_keys" ("key_hash")
        `);
        await queryRunner.query(`
            CREATE TABLE "oauth_clients" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "client_id" text NOT NULL,
                "tenant_id" uuid NOT NULL,
                "secret_hash" text NOT NULL,
                "scopes" text array NOT NULL DEFAULT '{}',
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pk_oauth_clients_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_oauth_clients_client_id" ON "oauth_clients" ("client_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_oauth_clients_tenant" ON "oauth_clients" ("tenant_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "member_center_clients" (
                "client_id" text NOT NULL,
                "tenant_ids" uuid array NOT NULL,
                "enabled" boolean NOT NULL DEFAULT true,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_member_center_clients_client_id" PRIMARY KEY ("client_id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "member_center_secrets" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "client_id" text NOT NULL,
                "secret_sealed" text NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pk_member_center_secrets_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_member_center_secrets_client" ON "member_center_secrets" ("client_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "api_keys"
            ADD CONSTRAINT "fk_api_keys_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "oauth_clients"
            ADD CONSTRAINT "fk_oauth_clients_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "member_center_secrets"
            ADD CONSTRAINT "fk_member_center_secrets_client" FOREIGN KEY ("client_id") REFERENCES "member_center_clients"("client_id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "member_center_secrets" DROP CONSTRAINT "fk_member_center_secrets_client"
        `);
        await queryRunner.query(`
            ALTER TABLE "oauth_clients" DROP CONSTRAINT "fk_oauth_clients_tenant"
        `);
        await queryRunner.query(`
            ALTER TABLE "api_keys" DROP CONSTRAINT "fk_api_keys_tenant"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_member_center_secrets_client"
        `);
        await queryRunner.query(`
            DROP TABLE "member_center_secrets"
        `);
        await queryRunner.query(`
            DROP TABLE "member_center_clients"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_oauth_clients_tenant"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_oauth_clients_client_id"
        `);
        await queryRunner.query(`
            DROP TABLE "oauth_clients"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_api_keys_hash"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_api_keys_tenant"
        `);
        await queryRunner.query(`
            DROP TABLE "api_keys"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_tenants_slug"
        `);
        await queryRunner.query(`
            DROP TABLE "tenants"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_idempotency_keys_expires_at"
        `);
        await queryRunner.query(`
            DROP TABLE "idempotency_keys"
        `);
    }

}
