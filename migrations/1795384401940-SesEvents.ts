import { MigrationInterface, QueryRunner } from "typeorm";

export class SesEvents1795384401940 implements MigrationInterface {
    name = 'SesEvents1795384401940'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "ses_events" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "tenant_id" uuid,
                "source" text NOT NULL,
                "type" text NOT NULL,
                "bounce_kind" text,
                "email" text,
                "ses_message_id" text NOT NULL,
                "message_id" text,
                "send_job_id" text,
                "message_matched" boolean NOT NULL DEFAULT false,
                "outcome" text NOT NULL,
                "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "detail" jsonb NOT NULL DEFAULT '{}',
                "sns_message_id" text,
                "dedup_key" text NOT NULL,
                CONSTRAINT "pk_ses_events_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_ses_events_dedup_key" ON "ses_events" ("dedup_key")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_ses_events_tenant_occurred" ON "ses_events" ("tenant_id", "occurred_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_ses_events_tenant_email" ON "ses_events" ("tenant_id", "email", "type", "occurred_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_ses_events_tenant_created" ON "ses_events" ("tenant_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "sns_receipts" (
                "message_id" text NOT NULL,
                "type" text NOT NULL,
                "topic_arn" text NOT NULL,
                "confirmed_at" TIMESTAMP WITH TIME ZONE,
                "event_count" integer NOT NULL DEFAULT '0',
                "received_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_sns_receipts_message_id" PRIMARY KEY ("message_id")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "ses_events"
            ADD CONSTRAINT "fk_ses_events_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "ses_events" DROP CONSTRAINT "fk_ses_events_tenant"
        `);
        await queryRunner.query(`
            DROP TABLE "sns_receipts"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_ses_events_tenant_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_ses_events_tenant_email"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_ses_events_tenant_occurred"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_ses_events_dedup_key"
        `);
        await queryRunner.query(`
            DROP TABLE "ses_events"
        `);
    }

}
