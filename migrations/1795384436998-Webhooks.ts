import { MigrationInterface, QueryRunner } from "typeorm";

export class Webhooks1795384436998 implements MigrationInterface {
    name = 'Webhooks1795384436998'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "webhook_delivery_attempts" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "delivery_id" uuid NOT NULL,
                "attempt_number" integer NOT NULL,
                "request_signature" text NOT NULL,
                "webhook_signature" text NOT NULL,
                "url" text NOT NULL,
                "response_status" integer,
                "response_headers" jsonb,
                "response_body_snippet" text,
                "latency_ms" integer,
                "error_code" text,
                "error_detail" text,
                CONSTRAINT "pk_webhook_delivery_attempts_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_webhook_delivery_attempts_number" ON "webhook_delivery_attempts" ("delivery_id", "attempt_number")
        `);
        await queryRunner.query(`
            CREATE TABLE "webhook_deliveries" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "tenant_id" uuid NOT NULL,
                "event_id" uuid,
                "subscription_id" uuid,
                "target_url" text,
                "sealed_secret" text,
                "body" jsonb,
                "retry_schedule" integer array,
                "status" text NOT NULL DEFAULT 'pending',
                "attempts_made" integer NOT NULL DEFAULT '0',
                "next_attempt_at" TIMESTAMP WITH TIME ZONE,
                "final_status_code" integer,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "dead_reason" text,
                CONSTRAINT "pk_webhook_deliveries_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_deliveries_due" ON "webhook_deliveries" ("next_attempt_at")
            WHERE status IN ('pending', 'failed')
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_deliveries_subscription_created" ON "webhook_deliveries" ("subscription_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_deliveries_event" ON "webhook_deliveries" ("event_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_deliveries_tenant_created" ON "webhook_deliveries" ("tenant_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "webhook_events" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "tenant_id" uuid NOT NULL,
                "type" text NOT NULL,
                "payload" jsonb NOT NULL,
                "idempotency_key" text,
                "source_ip" text,
                "source" text NOT NULL DEFAULT 'api',
                "attributes" jsonb,
                CONSTRAINT "pk_webhook_events_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_events_tenant_type_created" ON "webhook_events" ("tenant_id", "type", "created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_events_tenant_created" ON "webhook_events" ("tenant_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "webhook_subscriptions" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "tenant_id" uuid NOT NULL,
                "name" text,
                "url" text NOT NULL,
                "event_filter" text NOT NULL DEFAULT '*',
                "state" text NOT NULL DEFAULT 'active',
                "consecutive_failures" integer NOT NULL DEFAULT '0',
                "sealed_secret" text NOT NULL,
                "sealed_previous_secret" text,
                "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE,
                "secret_rotated_at" TIMESTAMP WITH TIME ZONE,
                "paused_at" TIMESTAMP WITH TIME ZONE,
                "disabled_at" TIMESTAMP WITH TIME ZONE,
                "headers" jsonb NOT NULL DEFAULT '{}',
                "format" text NOT NULL DEFAULT 'standard',
                "origin" text NOT NULL DEFAULT 'v1',
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_webhook_subscriptions_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_subscriptions_tenant_created" ON "webhook_subscriptions" ("tenant_id", "created_at", "id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_subscriptions_tenant_created"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_subscriptions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_events_tenant_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_events_tenant_type_created"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_events"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_deliveries_tenant_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_deliveries_event"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_deliveries_subscription_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_deliveries_due"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_deliveries"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_webhook_delivery_attempts_number"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_delivery_attempts"
        `);
    }

}
