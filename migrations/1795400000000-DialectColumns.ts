import { MigrationInterface, QueryRunner } from "typeorm";

export class DialectColumns1795400000000 implements MigrationInterface {
    name = 'DialectColumns1795400000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "webhook_subscriptions" ADD "filter_spec" jsonb
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_delivery_attempts" ADD "request_headers" jsonb
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "webhook_delivery_attempts" DROP COLUMN "request_headers"
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_subscriptions" DROP COLUMN "filter_spec"
        `);
    }

}
