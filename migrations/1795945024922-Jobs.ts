import { MigrationInterface, QueryRunner } from "typeorm";

export class Jobs1795945024922 implements MigrationInterface {
    name = 'Jobs1795945024922'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "jobs" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "tenant_id" uuid NOT NULL,
                "type" text NOT NULL,
                "payload" jsonb NOT NULL,
                "webhook_url" text,
                "status" text NOT NULL DEFAULT 'queued',
                "attempts" integer NOT NULL DEFAULT '0',
                "next_run_at" TIMESTAMP WITH TIME ZONE,
                "claimed_by" text,
                "claimed_at" TIMESTAMP WITH TIME ZONE,
                "provider_message_id" text,
                "failure_reason" text,
                "callback_delivery_id" uuid,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_jobs_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_jobs_running" ON "jobs" ("claimed_by")
            WHERE status = 'running'
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_jobs_due" ON "jobs" ("next_run_at", "id")
            WHERE status IN ('queued', 'retry')
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_jobs_tenant_created" ON "jobs" ("tenant_id", "created_at", "id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_jobs_tenant_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_jobs_due"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_jobs_running"
        `);
        await queryRunner.query(`
            DROP TABLE "jobs"
        `);
    }

}
