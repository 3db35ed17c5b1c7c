/** SES's account review thresholds: above these SES puts the account under review (and may pause sending). */
export const SES_REVIEW_THRESHOLDS = { bounce_rate: 0.05, complaint_rate: 0.001 } as const;

export type RateStatus = 'ok' | 'warning' | 'review' | 'unknown';

/** `review` at or above SES's threshold, `warning` from half of it (time to act), `unknown` without sends. */
export function rateStatus(rate: number | null, threshold: number): RateStatus {
  if (rate === null) return 'unknown';
  if (rate >= threshold) return 'review';
  return rate >= threshold / 2 ? 'warning' : 'ok';
}

export interface WindowCounts {
  sends: number;
  hardBounces: number;
  softBounces: number;
  complaints: number;
}

/** Rates over one window. The denominator is the recipients of recorded SES Send events; null when there are none. */
export function rateWindow(window: '24h' | '7d', since: Date, c: WindowCounts) {
  const bounceRate = c.sends > 0 ? c.hardBounces / c.sends : null;
  const complaintRate = c.sends > 0 ? c.complaints / c.sends : null;
  return {
    window,
    since: since.toISOString(),
    sends: c.sends,
    hard_bounces: c.hardBounces,
    soft_bounces: c.softBounces,
    complaints: c.complaints,
    bounce_rate: bounceRate,
    complaint_rate: complaintRate,
    bounce_status: rateStatus(bounceRate, SES_REVIEW_THRESHOLDS.bounce_rate),
    complaint_status: rateStatus(complaintRate, SES_REVIEW_THRESHOLDS.complaint_rate),
  };
}
