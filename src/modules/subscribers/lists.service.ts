import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { parse } from 'csv-parse';
import { pipeline, Readable } from 'node:stream';
import { DataSource, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppError, FieldErrors } from '../../common/errors/app-error';
import { SubscriberRow } from './full-sync-rules';
import { upsertSyncRows } from './full-sync.repository';
import { ListImport } from './list-import.entity';
import { MailingList } from './list.entity';
import { ListsRepository } from './lists.repository';
import { AdminMemberRow, csvRecordToItem, isRowError, lastPerEmail, parseMemberItem, RowError } from './member-rows';
import {
  AddMembersDto,
  AddMembersResult,
  CreateListDto,
  ListImportResponse,
  ListResponse,
  MAX_IMPORT_ERRORS,
  MAX_SYNC_BATCH,
  UpdateListDto,
} from './subscribers.dto';

/** Rows a CSV import writes per transaction (the full-sync batch size). */
const IMPORT_CHUNK = 5_000;
/** A JSON body full of mistakes should not produce a multi-megabyte error body. */
const MAX_REPORTED_ERRORS = 50;
/** An upload is streamed, never held in memory; this bounds how long one request may keep a connection busy. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

export function toListResponse(l: MailingList): ListResponse {
  return { id: l.id, name: l.name, created_at: l.createdAt.toISOString(), updated_at: l.updatedAt.toISOString() };
}

function toImportResponse(i: ListImport): ListImportResponse {
  return {
    id: i.id,
    list_id: i.listId,
    status: i.status,
    rows_read: i.rowsRead,
    rows_imported: i.rowsImported,
    rows_failed: i.rowsFailed,
    errors: i.errors,
    failure: i.failure,
    created_at: i.createdAt.toISOString(),
    finished_at: i.finishedAt?.toISOString() ?? null,
  };
}

/** CSV headers compare case-insensitively and without surrounding spaces (`Email` = `email`). */
const normalizeHeader = (h: string) => h.trim().toLowerCase();

/**
 * Admin writes of lists and members (what `POST /webhooks/lists/full-sync` does for Member Center): members are
 * written by the full sync's set-based upsert, so suppressed addresses are stored but never active and a newer
 * Member Center change is never overwritten by an older write.
 */
@Injectable()
export class ListsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sql: ListsRepository,
    @InjectRepository(MailingList) private readonly lists: Repository<MailingList>,
    @InjectRepository(ListImport) private readonly imports: Repository<ListImport>,
  ) {}

  async create(tenantId: string, dto: CreateListDto): Promise<ListResponse> {
    const list = await this.lists.save(this.lists.create({ tenantId, id: uuidv7(), name: dto.name }));
    return toListResponse(await this.lists.findOneByOrFail({ tenantId, id: list.id }));
  }

  async rename(tenantId: string, id: string, dto: UpdateListDto): Promise<ListResponse> {
    const result = await this.lists.update({ tenantId, id }, { name: dto.name });
    if (!result.affected) throw AppError.notFound('List');
    return toListResponse(await this.lists.findOneByOrFail({ tenantId, id }));
  }

  /** Up to 10,000 members in one transaction; any invalid item rejects the request (422 naming each). */
  async addMembers(tenantId: string, listId: string, dto: AddMembersDto): Promise<AddMembersResult> {
    await this.requireList(tenantId, listId);
    const rows: AdminMemberRow[] = [];
    const errors: FieldErrors = {};
    let reported = 0;
    dto.members.forEach((item, i) => {
      const out = parseMemberItem(item, i);
      if (!isRowError(out)) rows.push(out);
      else if (reported++ < MAX_REPORTED_ERRORS) (errors[`members.${i}${out.field ? `.${out.field}` : ''}`] ??= []).push(out.message);
    });
    if (reported) throw AppError.validation(errors, `${reported} of ${dto.members.length} members are invalid`);
    return { list_id: listId, ...(await this.writeMembers(tenantId, listId, uuidv7(), rows)) };
  }

  /**
   * Streams a CSV (header line with an `email` column; optional `status`; other columns become preferences) into
   * the list in chunks, recording progress after each, so `GET …/imports/{id}` shows it while the upload runs.
   * Bad rows are counted and listed, the others imported.
   */
  async importCsv(tenantId: string, listId: string, body: unknown): Promise<ListImportResponse> {
    await this.requireList(tenantId, listId);
    if (!(body instanceof Readable)) throw AppError.validation({ body: ['send the CSV as the body with Content-Type: text/csv'] });
    const run = await this.imports.save(this.imports.create({ tenantId, listId }));
    let rows: AdminMemberRow[] = [];
    let errors: RowError[] = [];
    let read = 0;
    const flush = async () => {
      const { written } = rows.length ? await this.writeMembers(tenantId, listId, run.id, rows) : { written: 0 };
      await this.sql.recordImportProgress(run.id, read, written, errors, MAX_IMPORT_ERRORS);
      [rows, errors, read] = [[], [], 0];
    };
    try {
      const parser = parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true, columns: (header: string[]) => checkHeader(header) });
      // pipeline, not pipe: an upload cut off mid-way destroys the parser, which ends the loop below with the error
      pipeline(body, parser, () => undefined);
      for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number; bytes: number } }>) {
        if (info.bytes > MAX_IMPORT_BYTES) throw new Error(`the file is larger than ${MAX_IMPORT_BYTES} bytes`);
        read++;
        const out = parseMemberItem(csvRecordToItem(record), info.lines);
        if (isRowError(out)) errors.push(out);
        else rows.push(out);
        if (rows.length + errors.length >= IMPORT_CHUNK) await flush();
      }
      await flush();
      await this.imports.update({ id: run.id }, { status: 'completed', finishedAt: new Date() });
    } catch (e) {
      const failure = (e as Error).message;
      await this.imports.update({ id: run.id }, { status: 'failed', failure, finishedAt: new Date() });
      if (e instanceof AppError) throw e;
      throw AppError.validation({ body: [failure] }, `The CSV import stopped: ${failure}`);
    }
    return toImportResponse(await this.imports.findOneByOrFail({ id: run.id }));
  }

  async getImport(tenantId: string, listId: string, importId: string): Promise<ListImportResponse> {
    const found = await this.imports.findOneBy({ tenantId, listId, id: importId });
    if (!found) throw AppError.notFound('Import');
    return toImportResponse(found);
  }

  /** The full sync's upsert over existing subscriber ids (or new ones), in one transaction. */
  private async writeMembers(tenantId: string, listId: string, writeId: string, rows: AdminMemberRow[]): Promise<{ written: number; suppressed: number }> {
    const unique = lastPerEmail(rows);
    if (unique.length > MAX_SYNC_BATCH) throw new Error(`at most ${MAX_SYNC_BATCH} rows per write`);
    return this.dataSource.transaction(async (m) => {
      const emails = unique.map((r) => r.email);
      const known = await this.sql.subscribersByEmail(m, tenantId, emails);
      const syncRows: SubscriberRow[] = unique
        // a member given no preferences keeps the stored ones: the upsert's rule (null = keep)
        .map((r) => ({ ...r, id: known.get(r.email)?.id ?? uuidv7() }))
        // one lock order for concurrent writes of overlapping rows (as in full sync)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      await upsertSyncRows((sql, params) => m.query(sql, params), { tenantId, listId, syncId: writeId, occurredAt: new Date(), rows: syncRows });
      return { written: unique.length, suppressed: await this.sql.suppressedAmong(m, tenantId, emails) };
    });
  }

  private async requireList(tenantId: string, id: string): Promise<void> {
    if (!(await this.lists.existsBy({ tenantId, id }))) throw AppError.notFound('List');
  }
}

/** The CSV's header, normalised; an import without an `email` column cannot do anything. */
function checkHeader(header: string[]): string[] {
  const names = header.map(normalizeHeader);
  if (!names.includes('email')) throw new Error('the first line must be a header naming an "email" column');
  return names;
}
