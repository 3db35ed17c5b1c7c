import { FieldErrors } from '../../common/errors/app-error';

/** How far back a bulk recover may reach. */
export const RECOVER_MAX_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

export type RecoverWindow = { ok: true; since: Date; until: Date } | { ok: false; errors: FieldErrors };

/** The window of a recover request, or the field errors that make it invalid (`since` ≤ 14 days back, until ≥ since). */
export function recoverWindow(since: string, until: string | undefined, now: Date): RecoverWindow {
  const from = new Date(since);
  const to = until === undefined ? now : new Date(until);
  const errors: FieldErrors = {};
  if (from.getTime() < now.getTime() - RECOVER_MAX_DAYS * DAY_MS) errors.since = [`since must be within the last ${RECOVER_MAX_DAYS} days`];
  if (from.getTime() > now.getTime()) errors.since = ['since must not be in the future'];
  if (to.getTime() < from.getTime()) errors.until = ['until must not be before since'];
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, since: from, until: to.getTime() > now.getTime() ? now : to };
}
