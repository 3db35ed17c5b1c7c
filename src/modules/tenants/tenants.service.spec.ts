import { mergeSettings, slugify } from './tenants.service';

describe('mergeSettings', () => {
  it('keeps settings a PATCH leaves out, even when the DTO carries them as undefined', () => {
    const stored: Record<string, unknown> = { send_rate_per_second: 14, rate_limit_per_minute: 600 };
    expect(mergeSettings(stored, { send_rate_per_second: 100, rate_limit_per_minute: undefined, from_address: undefined })).toEqual({
      send_rate_per_second: 100,
      rate_limit_per_minute: 600,
    });
    expect(mergeSettings(stored, {})).toEqual(stored);
  });
});

describe('slugify', () => {
  it('derives a slug from a name', () => expect(slugify('  Ácme, Inc.  ')).toBe('acme-inc'));
});
