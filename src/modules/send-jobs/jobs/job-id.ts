import { isUuid } from '../../../common/http/parse-id.pipe';

const PREFIX = 'job_';

/** The public id: `job_` + the row's UUIDv7 as 32 hex digits, so ids sort by creation time like the rows. */
export function toJobId(rowId: string): string {
  return PREFIX + rowId.replace(/-/g, '');
}

/** The row id a public id names, or null when it is not one of ours (an unknown id is a 404, not a 400). */
export function rowIdOf(jobId: string): string | null {
  if (!jobId.startsWith(PREFIX)) return null;
  const hex = jobId.slice(PREFIX.length).toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return isUuid(uuid) ? uuid : null;
}
