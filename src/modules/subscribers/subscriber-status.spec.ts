import { normalizeEmail, statusForSuppression, SUPPRESSION_REASONS } from './subscriber-status';

describe('subscriber status', () => {
  it('maps each suppression reason to the status it forces', () => {
    expect(Object.fromEntries(SUPPRESSION_REASONS.map((r) => [r, statusForSuppression(r)]))).toEqual({
      hard_bounce: 'bounced',
      complaint: 'complaint',
      soft_bounce_limit: 'suppressed',
      ses_suppression: 'suppressed',
      manual: 'suppressed',
      member_center: 'suppressed',
    });
  });

  it('compares addresses trimmed and lower-cased', () => {
    expect(normalizeEmail('  Ann@Example.COM ')).toBe('ann@example.com');
  });
});
