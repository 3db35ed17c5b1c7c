import { MigrationInterface, QueryRunner } from "typeorm";

export class EventDedupKey1795944927558 implements MigrationInterface {
    name = 'EventDedupKey1795944927558'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "webhook_events"
            ADD "dedup_key" text
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_webhook_events_tenant_dedup_key" ON "webhook_events" ("tenant_id", "dedup_key")
            WHERE dedup_key IS NOT NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."uq_webhook_events_tenant_dedup_key"
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_events" DROP COLUMN "dedup_key"
        `);
    }

}
