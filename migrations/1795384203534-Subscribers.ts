import { MigrationInterface, QueryRunner } from "typeorm";

export class Subscribers1795384203534 implements MigrationInterface {
    name = 'Subscribers1795384203534'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "full_syncs" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "list_id" uuid NOT NULL,
                "batch_total" integer NOT NULL,
                "batches_received" integer NOT NULL DEFAULT '0',
                "subscribers_received" integer NOT NULL DEFAULT '0',
                "status" text NOT NULL DEFAULT 'receiving',
                "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "removed_count" integer,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "abandoned_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pk_full_syncs_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_full_syncs_list" ON "full_syncs" ("tenant_id", "list_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "full_sync_batches" (
                "sync_id" uuid NOT NULL,
                "batch_no" integer NOT NULL,
                "subscriber_count" integer NOT NULL,
                "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_full_sync_batches_sync_id_batch_no" PRIMARY KEY ("sync_id", "batch_no")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "inbound_events" (
                "tenant_id" uuid NOT NULL,
                "event_id" uuid NOT NULL,
                "event_type" text NOT NULL,
                "list_id" uuid NOT NULL,
                "subscriber_id" uuid NOT NULL,
                "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "outcome" text NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_inbound_events_tenant_id_event_id" PRIMARY KEY ("tenant_id", "event_id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "lists" (
                "tenant_id" uuid NOT NULL,
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_lists_tenant_id_id" PRIMARY KEY ("tenant_id", "id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "subscribers" (
                "tenant_id" uuid NOT NULL,
                "id" uuid NOT NULL,
                "email" text NOT NULL,
                "status" text NOT NULL,
                "preferences" jsonb NOT NULL DEFAULT '{}',
                "last_occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_subscribers_tenant_id_id" PRIMARY KEY ("tenant_id", "id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_subscribers_tenant_email" ON "subscribers" ("tenant_id", "email")
        `);
        await queryRunner.query(`
            CREATE TABLE "list_memberships" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "list_id" uuid NOT NULL,
                "subscriber_id" uuid NOT NULL,
                "status" text NOT NULL,
                "reason" text,
                "last_occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "last_sync_id" uuid,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_list_memberships_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_list_memberships_subscriber" ON "list_memberships" ("tenant_id", "subscriber_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_list_memberships_member" ON "list_memberships" ("tenant_id", "list_id", "subscriber_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "suppressions" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "tenant_id" uuid NOT NULL,
                "email" text NOT NULL,
                "reason" text NOT NULL,
                "source" text NOT NULL,
                "lifted_at" TIMESTAMP WITH TIME ZONE,
                "lifted_by" text,
                CONSTRAINT "pk_suppressions_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_suppressions_active" ON "suppressions" ("tenant_id", "email")
            WHERE lifted_at IS NULL
        `);
        await queryRunner.query(`
            ALTER TABLE "full_syncs"
            ADD CONSTRAINT "fk_full_syncs_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "full_sync_batches"
            ADD CONSTRAINT "fk_full_sync_batches_sync" FOREIGN KEY ("sync_id") REFERENCES "full_syncs"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "inbound_events"
            ADD CONSTRAINT "fk_inbound_events_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "lists"
            ADD CONSTRAINT "fk_lists_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "subscribers"
            ADD CONSTRAINT "fk_subscribers_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "list_memberships"
            ADD CONSTRAINT "fk_list_memberships_list" FOREIGN KEY ("tenant_id", "list_id") REFERENCES "lists"("tenant_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "list_memberships"
            ADD CONSTRAINT "fk_list_memberships_subscriber" FOREIGN KEY ("tenant_id", "subscriber_id") REFERENCES "subscribers"("tenant_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "suppressions"
            ADD CONSTRAINT "fk_suppressions_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "suppressions" DROP CONSTRAINT "fk_suppressions_tenant"
        `);
        await queryRunner.query(`
            ALTER TABLE "list_memberships" DROP CONSTRAINT "fk_list_memberships_subscriber"
        `);
        await queryRunner.query(`
            ALTER TABLE "list_memberships" DROP CONSTRAINT "fk_list_memberships_list"
        `);
        await queryRunner.query(`
            ALTER TABLE "subscribers" DROP CONSTRAINT "fk_subscribers_tenant"
        `);
        await queryRunner.query(`
            ALTER TABLE "lists" DROP CONSTRAINT "fk_lists_tenant"
        `);
        await queryRunner.query(`
            ALTER TABLE "inbound_events" DROP CONSTRAINT "fk_inbound_events_tenant"
        `);
        await queryRunner.query(`
            ALTER TABLE "full_sync_batches" DROP CONSTRAINT "fk_full_sync_batches_sync"
        `);
        await queryRunner.query(`
            ALTER TABLE "full_syncs" DROP CONSTRAINT "fk_full_syncs_tenant"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_suppressions_active"
        `);
        await queryRunner.query(`
            DROP TABLE "suppressions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_list_memberships_member"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_list_memberships_subscriber"
        `);
        await queryRunner.query(`
            DROP TABLE "list_memberships"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_subscribers_tenant_email"
        `);
        await queryRunner.query(`
            DROP TABLE "subscribers"
        `);
        await queryRunner.query(`
            DROP TABLE "lists"
        `);
        await queryRunner.query(`
            DROP TABLE "inbound_events"
        `);
        await queryRunner.query(`
            DROP TABLE "full_sync_batches"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_full_syncs_list"
        `);
        await queryRunner.query(`
            DROP TABLE "full_syncs"
        `);
    }

}
