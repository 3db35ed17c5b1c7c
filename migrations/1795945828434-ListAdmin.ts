import { MigrationInterface, QueryRunner } from "typeorm";

export class ListAdmin1795945828434 implements MigrationInterface {
    name = 'ListAdmin1795945828434'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "list_imports" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "tenant_id" uuid NOT NULL,
                "list_id" uuid NOT NULL,
                "status" text NOT NULL DEFAULT 'running',
                "rows_read" integer NOT NULL DEFAULT '0',
                "rows_imported" integer NOT NULL DEFAULT '0',
                "rows_failed" integer NOT NULL DEFAULT '0',
                "errors" jsonb NOT NULL DEFAULT '[]',
                "failure" text,
                "finished_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pk_list_imports_id" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_list_imports_list" ON "list_imports" ("tenant_id", "list_id", "created_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "lists"
            ADD "name" text
        `);
        await queryRunner.query(`
            ALTER TABLE "list_imports"
            ADD CONSTRAINT "fk_list_imports_list" FOREIGN KEY ("tenant_id", "list_id") REFERENCES "lists"("tenant_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "list_imports" DROP CONSTRAINT "fk_list_imports_list"
        `);
        await queryRunner.query(`
            ALTER TABLE "lists" DROP COLUMN "name"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_list_imports_list"
        `);
        await queryRunner.query(`
            DROP TABLE "list_imports"
        `);
    }

}
