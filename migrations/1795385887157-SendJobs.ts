import { MigrationInterface, QueryRunner } from "typeorm";

export class SendJobs1795385887157 implements MigrationInterface {
    name = 'SendJobs1795385887157'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "send_jobs" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "tenant_id" uuid NOT NULL,
                "list_id" uuid NOT NULL,
                "campaign_id" uuid NOT NULL,
                "name" text,
                "subject" text NOT NULL,
                "body_html" text,
                "body_text" text,
                "template" jsonb,
                "tracking" jsonb NOT NULL DEFAULT '{}',
                "scheduled_at" TIMESTAMP WITH TIME ZONE,
                "window_start" TIMESTAMP WITH TIME ZONE,
                "window_end" TIMESTAMP WITH TIME ZONE,
                "start_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "status" text NOT NULL DEFAULT 'pending',
                "failure_reason" text,
                "account_errors" integer NOT NULL DEFAULT '0',
                "last_account_stop_at" TIMESTAMP WITH TIME ZONE,
                "started_at" TIMESTAMP WITH TIME ZONE,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_send_jobs_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_send_jobs_open" ON "send_jobs" ("status")
            WHERE status IN ('pending', 'running')
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_send_jobs_tenant_created" ON "send_jobs" ("tenant_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "send_job_messages" (
                "id" uuid NOT NULL,
                "send_job_id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "subscriber_id" uuid NOT NULL,
                "email" text NOT NULL,
                "status" text NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT '0',
                "next_attempt_at" TIMESTAMP WITH TIME ZONE,
                "claimed_by" text,
                "claimed_at" TIMESTAMP WITH TIME ZONE,
                "provider_message_id" text,
                "reason" text,
                "sent_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pk_send_job_messages_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_send_job_messages_sending" ON "send_job_messages" ("claimed_by")
            WHERE status = 'sending'
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_send_job_messages_job_status" ON "send_job_messages" ("send_job_id", "status", "id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_send_job_messages_recipient" ON "send_job_messages" ("send_job_id", "subscriber_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "send_jobs"
            ADD CONSTRAINT "fk_send_jobs_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "send_job_messages"
            ADD CONSTRAINT "fk_send_job_messages_job" FOREIGN KEY ("send_job_id") REFERENCES "send_jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "send_job_messages" DROP CONSTRAINT "fk_send_job_messages_job"
        `);
        await queryRunner.query(`
            ALTER TABLE "send_jobs" DROP CONSTRAINT "fk_send_jobs_tenant"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_send_job_messages_recipient"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_send_job_messages_job_status"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_send_job_messages_sending"
        `);
        await queryRunner.query(`
            DROP TABLE "send_job_messages"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_send_jobs_tenant_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_send_jobs_open"
        `);
        await queryRunner.query(`
            DROP TABLE "send_jobs"
        `);
    }

}
