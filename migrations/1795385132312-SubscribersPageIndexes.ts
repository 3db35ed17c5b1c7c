import { MigrationInterface, QueryRunner } from "typeorm";

export class SubscribersPageIndexes1795385132312 implements MigrationInterface {
    name = 'SubscribersPageIndexes1795385132312'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "ix_list_memberships_page" ON "list_memberships" ("tenant_id", "list_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_suppressions_page" ON "suppressions" ("tenant_id", "created_at", "id")
            WHERE lifted_at IS NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_suppressions_page"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_list_memberships_page"
        `);
    }

}
