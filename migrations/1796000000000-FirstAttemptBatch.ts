import { MigrationInterface, QueryRunner } from "typeorm";

export class FirstAttemptBatch1796000000000 implements MigrationInterface {
    name = 'FirstAttemptBatch1796000000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "webhook_deliveries"
            ADD "first_attempt_batch" uuid
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "webhook_deliveries" DROP COLUMN "first_attempt_batch"
        `);
    }
}
