import { applyDecorators, Type as ClassType } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AppError } from '../errors/app-error';
import { isUuid } from '../http/parse-id.pipe';

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** `cursor` + `limit` query parameters of every list route. */
/** Documents a 200 answer that is a `Page` of `item` (Swagger cannot read the generic `Page<T>`). */
export function ApiPageResponse(item: ClassType<unknown>) {
  return applyDecorators(
    ApiExtraModels(item),
    ApiOkResponse({
      schema: {
        type: 'object',
        required: ['data', 'next_cursor'],
        properties: {
          data: { type: 'array', items: { $ref: getSchemaPath(item) } },
          next_cursor: { type: 'string', nullable: true, description: 'cursor of the next page; null on the last', example: null },
        },
      },
    }),
  );
}

export class PageQueryDto {
  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page\'s next_cursor' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

interface CursorPosition {
  createdAt: Date;
  id: string;
}

export function encodeCursor(p: CursorPosition): string {
  return Buffer.from(JSON.stringify([p.createdAt.toISOString(), p.id])).toString('base64url');
}

/** Decodes a cursor or answers the route's validation error; a cursor is opaque, so any tampering is just invalid. */
export function decodeCursor(cursor: string): CursorPosition {
  try {
    const [ts, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const createdAt = new Date(typeof ts === 'string' ? ts : NaN);
    // Only what encodeCursor can have written: a UUID and an instant Postgres can compare (years 1-9999).
    const year = createdAt.getUTCFullYear();
    if (!isUuid(id) || Number.isNaN(year) || year < 1 || year > 9999) throw new Error();
    return { createdAt, id };
  } catch {
    throw AppError.validation({ cursor: ['is not a valid cursor'] });
  }
}

/**
 * Newest-first keyset pagination over `(created_at, id)`: no gaps or repeats while rows are added.
 * created_at columns are timestamptz(3), so the millisecond position in a cursor is exact.
 */
export async function paginate<E extends ObjectLiteral, R>(
  qb: SelectQueryBuilder<E>,
  query: PageQueryDto,
  map: (row: E) => R,
): Promise<Page<R>> {
  const alias = qb.alias;
  const limit = query.limit ?? 25;
  if (query.cursor) {
    const at = decodeCursor(query.cursor);
    qb.andWhere(`(${alias}.created_at, ${alias}.id) < (:cursorAt, :cursorId)`, { cursorAt: at.createdAt, cursorId: at.id });
  }
  const rows = await qb
    .orderBy(`${alias}.created_at`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .take(limit + 1)
    .getMany();
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1] as (E & { createdAt: Date; id: string }) | undefined;
  return { data: page.map(map), next_cursor: more && last ? encodeCursor(last) : null };
}
