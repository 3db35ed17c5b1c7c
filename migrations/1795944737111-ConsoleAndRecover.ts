import { MigrationInterface, QueryRunner } from "typeorm";

export class ConsoleAndRecover1795944737111 implements MigrationInterface {
    name = 'ConsoleAndRecover1795944737111'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "console_links" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "tenant_id" uuid NOT NULL,
                "role" text NOT NULL,
                "token_hash" text NOT NULL,
                "created_by" text NOT NULL,
                "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "used_at" TIMESTAMP(3) WITH TIME ZONE,
                CONSTRAINT "pk_console_links_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_console_links_token_hash" ON "console_links" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_console_links_tenant_created" ON "console_links" ("tenant_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "dead_letter_recoveries" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "tenant_id" uuid NOT NULL,
                "subscription_id" uuid,
                "since" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "until" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "dry_run" boolean NOT NULL DEFAULT false,
                "status" text NOT NULL DEFAULT 'queued',
                "total" integer NOT NULL DEFAULT '0',
                "replayed" integer NOT NULL DEFAULT '0',
                "cursor_id" uuid,
                "finished_at" TIMESTAMP(3) WITH TIME ZONE,
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_dead_letter_recoveries_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_dead_letter_recoveries_open" ON "dead_letter_recoveries" ("status")
            WHERE status IN ('queued', 'running')
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_dead_letter_recoveries_tenant_created" ON "dead_letter_recoveries" ("tenant_id", "created_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_dead_letter_recoveries_tenant_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_dead_letter_recoveries_open"
        `);
        await queryRunner.query(`
            DROP TABLE "dead_letter_recoveries"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_console_links_tenant_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_console_links_token_hash"
        `);
        await queryRunner.query(`
            DROP TABLE "console_links"
        `);
    }

}
