import { MigrationInterface, QueryRunner } from "typeorm";

export class ConsoleSessionRevocation1795950000000 implements MigrationInterface {
    name = 'ConsoleSessionRevocation1795950000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "console_links"
            ADD "revoked_at" TIMESTAMP(3) WITH TIME ZONE
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "console_links" DROP COLUMN "revoked_at"
        `);
    }
}
