import { EMAIL } from './full-sync-rules';
import { normalizeEmail } from './subscriber-status';

/** What an admin may set on a member: the engine's suppression list decides bounced/complaint/suppressed. */
export const ADMIN_MEMBER_STATUSES = ['active', 'unsubscribed'] as const;
export type AdminMemberStatus = (typeof ADMIN_MEMBER_STATUSES)[number];

/** A member an admin adds (JSON item or CSV record), checked and normalised; the subscriber id is resolved later. */
export interface AdminMemberRow {
  email: string;
  status: AdminMemberStatus;
  /** null when none were given (the full-sync upsert then stores `{}`). */
  preferences: Record<string, unknown> | null;
}

/** One bad input row: `row` is the item's index (JSON) or the CSV line number. */
export interface RowError {
  row: number;
  field: string;
  message: string;
}

const STATUSES = new Set<string>(ADMIN_MEMBER_STATUSES);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks one `{email, status?, preferences?}` item. */
export function parseMemberItem(item: unknown, row: number): AdminMemberRow | RowError {
  if (!isPlainObject(item)) return { row, field: '', message: 'must be an object' };
  const { email, status = 'active', preferences } = item;
  if (typeof email !== 'string' || email.length > 320 || !EMAIL.test(email.trim())) return { row, field: 'email', message: 'email must be an email' };
  if (typeof status !== 'string' || !STATUSES.has(status)) {
    return { row, field: 'status', message: `status must be one of: ${ADMIN_MEMBER_STATUSES.join(', ')}` };
  }
  if (preferences !== undefined && preferences !== null && !isPlainObject(preferences)) {
    return { row, field: 'preferences', message: 'preferences must be an object' };
  }
  return { email: normalizeEmail(email), status: status as AdminMemberStatus, preferences: isPlainObject(preferences) ? preferences : null };
}

/**
 * A CSV record (header → value) as a member item: `email` and `status` are the member's; every other non-empty
 * column becomes a preference (`first_name` → `{{first_name}}` in a campaign).
 */
export function csvRecordToItem(record: Record<string, string>): Record<string, unknown> {
  const { email, status, ...rest } = record;
  const preferences = Object.fromEntries(Object.entries(rest).filter(([k, v]) => k !== '' && v !== ''));
  return {
    email,
    ...(status ? { status } : {}),
    ...(Object.keys(preferences).length ? { preferences } : {}),
  };
}

export const isRowError = (r: AdminMemberRow | RowError): r is RowError => 'message' in r;

/** One upsert statement cannot write a row twice: within a batch the last occurrence of an address wins. */
export function lastPerEmail(rows: AdminMemberRow[]): AdminMemberRow[] {
  return [...new Map(rows.map((r) => [r.email, r])).values()];
}
