import { csvRecordToItem, isRowError, lastPerEmail, parseMemberItem } from './member-rows';

describe('parseMemberItem', () => {
  it('normalises the address and defaults the status to active', () => {
    expect(parseMemberItem({ email: ' Ann@Example.COM ' }, 0)).toEqual({ email: 'ann@example.com', status: 'active', preferences: null });
    expect(parseMemberItem({ email: 'b@x.io', status: 'unsubscribed', preferences: { first_name: 'Bo' } }, 1)).toEqual({
      email: 'b@x.io',
      status: 'unsubscribed',
      preferences: { first_name: 'Bo' },
    });
  });

  it.each([
    ['not an object', 'x', ''],
    ['no email', {}, 'email'],
    ['a bad email', { email: 'no at sign' }, 'email'],
    ['a status only the suppression list sets', { email: 'a@x.io', status: 'bounced' }, 'status'],
    ['preferences that are not an object', { email: 'a@x.io', preferences: [1] }, 'preferences'],
  ])('reports %s with the row and field', (_, item, field) => {
    const out = parseMemberItem(item, 7);
    expect(isRowError(out) && out).toMatchObject({ row: 7, field });
  });
});

describe('csvRecordToItem', () => {
  it('keeps email and status, and turns other non-empty columns into preferences', () => {
    expect(csvRecordToItem({ email: 'a@x.io', first_name: 'Ann', city: '' })).toEqual({ email: 'a@x.io', preferences: { first_name: 'Ann' } });
    expect(csvRecordToItem({ email: 'a@x.io', status: 'unsubscribed' })).toEqual({ email: 'a@x.io', status: 'unsubscribed' });
  });
});

describe('lastPerEmail', () => {
  it('keeps the last occurrence of each address', () => {
    const rows = [
      { email: 'a@x.io', status: 'active' as const, preferences: null },
      { email: 'b@x.io', status: 'active' as const, preferences: null },
      { email: 'a@x.io', status: 'unsubscribed' as const, preferences: null },
    ];
    expect(lastPerEmail(rows)).toEqual([rows[2], rows[1]]);
  });
});
