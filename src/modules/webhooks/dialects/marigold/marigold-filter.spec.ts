import {
  ADVANCED_OPERATORS,
  AdvancedFilter,
  AdvancedOperator,
  canonicalOperator,
  FilterValue,
  lookup,
  matchesAdvancedFilter,
  matchesMarigoldSpec,
  matchesTypeFilter,
  typeFilterProblem,
} from './marigold-filter';

const EVENT = {
  specversion: '1.0',
  id: 'f0e01063-efaa-4023-8199-278d4e4285ae',
  source: '/sdc/mailer',
  type: 'sdc.deliveries.email.sent',
  subject: 'Order-42',
  tenant: 'EU.ENGAGE',
  priority: 3,
  data: {
    recipient: 'Someone@Gmail.com',
    account_id: 'd6862df2-59c2-4fbc-b248-d1374967dafd',
    drop_time_milliseconds: 40.0872,
    attempts: '3',
    retried: false,
    flag: 'TRUE',
    note: null,
    tags: ['vip', 'EU'],
    scores: [1, 5, 9],
    route: { mx: 'mx1.example.com' },
    items: [{ sku: 'A-1' }, { sku: 'B-2' }],
    empty: [],
  },
};

const f = (key: string, operator: AdvancedOperator, ...values: FilterValue[]): AdvancedFilter => ({ key, operator, values });
const m = (filter: AdvancedFilter) => matchesAdvancedFilter(filter, EVENT);

describe('type filters', () => {
  it.each([
    ['sdc.*', 'sdc.deliveries.email.sent', true],
    ['sdc.*', 'smc.deliveries.email.sent', false],
    ['sdc.*', 'sdc', false],
    ['*.failed', 'sdc.deliveries.email.failed', true],
    ['*.failed', 'sdc.deliveries.email.sent', false],
    ['*.failed', 'failed', false],
    ['*.email.*', 'sdc.deliveries.email.sent', true],
    ['*.email.*', 'sdc.deliveries.sms.sent', false],
    ['*.email.*', 'email.sent', false],
    ['sdc.deliveries.email.sent', 'sdc.deliveries.email.sent', true],
    ['sdc.deliveries.email.sent', 'sdc.deliveries.email.sent.late', false],
    ['sdc.deliv*', 'sdc.deliveries.email.sent', true],
    ['*bounced', 'email.bounced', true],
    ['*.bounced', 'email.bounced', true],
    ['*.bounced', 'email.complained', false],
    ['email.*ed', 'email.bounced', true],
    ['*', 'anything.at.all', true],
    ['SDC.*', 'sdc.deliveries.email.sent', true],
    ['sdc.*', 'SDC.Deliveries.Email.Sent', true],
    ['a+b.*', 'a+b.c', true],
    ['a+b.*', 'aab.c', false],
  ])('%s vs %s → %s', (filter, type, expected) => expect(matchesTypeFilter(filter, type)).toBe(expected));

  it('accepts wildcards only at the start and/or end of a dot part', () => {
    for (const ok of ['sdc.*', '*.failed', '*.email.*', 'sdc.deliveries.email.sent', '*', 'sdc.deliv*', '*bounced', '*mail*']) {
      expect(typeFilterProblem(ok)).toBeNull();
    }
    for (const bad of ['', 'sdc..sent', '.sdc', 'sdc.', 'de*ry.sent', '**', 'sdc.**', 'a b', 'x'.repeat(257)]) {
      expect(typeFilterProblem(bad)).not.toBeNull();
    }
  });
});

describe('advanced filters', () => {
  it('names operators in any case', () => {
    expect(canonicalOperator('StringEndsWith')).toBe('stringEndsWith');
    expect(canonicalOperator('ISNULLORUNDEFINED')).toBe('isNullOrUndefined');
    expect(canonicalOperator('equals')).toBe('equals');
    expect(canonicalOperator('startsWith')).toBeNull();
  });

  it('covers every operator of the matrix below', () => {
    const covered = new Set(MATRIX.map(([filter]) => filter.operator));
    expect([...covered].sort()).toEqual([...ADVANCED_OPERATORS].sort());
  });

  const MATRIX: [AdvancedFilter, boolean][] = [
    // equals / notEquals: case-insensitive strings, numbers by value (also given as strings), booleans as text
    [f('data.recipient', 'equals', 'someone@gmail.com'), true],
    [f('data.recipient', 'equals', 'other@gmail.com'), false],
    [f('data.recipient', 'equals', 'other@gmail.com', 'SOMEONE@gmail.com'), true],
    [f('data.attempts', 'equals', 3), true],
    [f('priority', 'equals', '3.0'), true],
    [f('data.retried', 'equals', 'false'), true],
    [f('data.missing', 'equals', 'x'), false],
    [f('data.recipient', 'notEquals', 'other@gmail.com'), true],
    [f('data.recipient', 'notEquals', 'SOMEONE@GMAIL.COM'), false],
    [f('data.missing', 'notEquals', 'x'), false],
    // numbers
    [f('data.drop_time_milliseconds', 'numberIn', 40.0872, 1), true],
    [f('data.attempts', 'numberIn', '3'), true],
    [f('data.attempts', 'numberIn', 4, 5), false],
    [f('data.recipient', 'numberIn', 3), false],
    [f('data.missing', 'numberIn', 3), false],
    [f('data.attempts', 'numberNotIn', 4, 5), true],
    [f('data.attempts', 'numberNotIn', 3), false],
    [f('data.missing', 'numberNotIn', 3), true],
    [f('data.drop_time_milliseconds', 'numberLessThan', 41), true],
    [f('data.drop_time_milliseconds', 'numberLessThan', 40), false],
    [f('data.attempts', 'numberLessThan', '3'), false],
    [f('data.missing', 'numberLessThan', 100), false],
    [f('data.attempts', 'numberGreaterThan', 2), true],
    [f('data.attempts', 'numberGreaterThan', 3), false],
    [f('data.attempts', 'numberLessThanOrEquals', 3), true],
    [f('data.attempts', 'numberLessThanOrEquals', 2.9), false],
    [f('data.attempts', 'numberGreaterThanOrEquals', '3'), true],
    [f('data.attempts', 'numberGreaterThanOrEquals', 3.1), false],
    [f('data.attempts', 'numberInRange', [1, 2], [3, 4]), true],
    [f('data.attempts', 'numberInRange', ['3', '3']), true],
    [f('data.attempts', 'numberInRange', [4, 10]), false],
    [f('data.missing', 'numberInRange', [0, 10]), false],
    [f('data.attempts', 'numberNotInRange', [4, 10]), true],
    [f('data.attempts', 'numberNotInRange', [0, 3]), false],
    [f('data.missing', 'numberNotInRange', [0, 10]), true],
    // booleans, also given as strings in any case
    [f('data.retried', 'boolEquals', false), true],
    [f('data.retried', 'boolEquals', true), false],
    [f('data.flag', 'boolEquals', true), true],
    [f('data.recipient', 'boolEquals', true), false],
    [f('data.missing', 'boolEquals', false), false],
    // strings: case-insensitive
    [f('data.recipient', 'stringIn', 'a@b.c', 'someone@GMAIL.com'), true],
    [f('data.recipient', 'stringIn', 'a@b.c'), false],
    [f('data.missing', 'stringIn', 'a@b.c'), false],
    [f('data.recipient', 'stringNotIn', 'a@b.c'), true],
    [f('data.recipient', 'stringNotIn', 'Someone@Gmail.com'), false],
    [f('data.missing', 'stringNotIn', 'a@b.c'), true],
    [f('data.recipient', 'stringContains', 'GMAIL'), true],
    [f('data.recipient', 'stringContains', 'yahoo', '@gm'), true],
    [f('data.recipient', 'stringContains', 'yahoo'), false],
    [f('data.missing', 'stringContains', 'x'), false],
    [f('data.recipient', 'stringNotContains', 'yahoo'), true],
    [f('data.recipient', 'stringNotContains', 'gmail'), false],
    [f('data.missing', 'stringNotContains', 'x'), false],
    [f('subject', 'stringBeginsWith', 'order-'), true],
    [f('subject', 'stringBeginsWith', 'invoice-'), false],
    [f('subject', 'stringNotBeginsWith', 'invoice-'), true],
    [f('subject', 'stringNotBeginsWith', 'ORDER'), false],
    [f('data.missing', 'stringNotBeginsWith', 'x'), false],
    [f('data.recipient', 'stringEndsWith', 'gmail.com'), true],
    [f('data.recipient', 'stringEndsWith', 'yahoo.com'), false],
    [f('data.recipient', 'stringNotEndsWith', 'yahoo.com'), true],
    [f('data.recipient', 'stringNotEndsWith', 'GMAIL.COM'), false],
    [f('data.missing', 'stringNotEndsWith', 'x'), false],
    [f('priority', 'stringBeginsWith', '3'), true],
    // null / undefined
    [f('data.note', 'isNullOrUndefined'), true],
    [f('data.missing', 'isNullOrUndefined'), true],
    [f('data.recipient', 'isNullOrUndefined'), false],
    [f('data.route', 'isNullOrUndefined'), true],
    [f('data.recipient', 'isNotNull'), true],
    [f('data.note', 'isNotNull'), false],
    [f('data.missing', 'isNotNull'), false],
    // CloudEvent attributes and extension attributes
    [f('source', 'equals', '/SDC/mailer'), true],
    [f('tenant', 'stringIn', 'eu.engage'), true],
    [f('type', 'stringEndsWith', '.sent'), true],
    // a non-leaf property never matches (except the …NotIn forms and isNullOrUndefined)
    [f('data.route', 'equals', 'x'), false],
    [f('data', 'stringContains', 'gmail'), false],
    [f('data.route', 'stringNotContains', 'x'), false],
    [f('data.route', 'stringNotIn', 'x'), true],
    [f('data.route.mx', 'stringBeginsWith', 'mx1.'), true],
    // arrays: any element matches; negative operators: none does
    [f('data.tags', 'stringIn', 'eu'), true],
    [f('data.tags', 'stringIn', 'us'), false],
    [f('data.tags', 'stringNotIn', 'eu'), false],
    [f('data.tags', 'stringNotIn', 'us'), true],
    [f('data.scores', 'numberGreaterThan', 8), true],
    [f('data.scores', 'numberGreaterThan', 9), false],
    [f('data.scores', 'numberNotInRange', [4, 6]), false],
    [f('data.scores', 'numberNotInRange', [2, 4]), true],
    [f('data.scores', 'numberNotInRange', [10, 20]), true],
    [f('data.items.sku', 'stringIn', 'b-2'), true],
    [f('data.items.sku', 'stringNotIn', 'c-3'), true],
    [f('data.items', 'stringIn', 'A-1'), false],
    [f('data.empty', 'stringIn', 'x'), false],
    [f('data.empty', 'stringNotIn', 'x'), true],
  ];

  it.each(MATRIX.map(([filter, expected]) => [filter.key, filter.operator, JSON.stringify(filter.values), expected] as const))(
    '%s %s %s → %s',
    (key, operator, values, expected) => {
      expect(m({ key, operator, values: JSON.parse(values) as FilterValue[] })).toBe(expected);
    },
  );

  it('looks up leaves through objects and arrays, and reports objects as not found', () => {
    expect(lookup(EVENT, 'data.recipient')).toEqual({ found: true, leaves: ['Someone@Gmail.com'] });
    expect(lookup(EVENT, 'data.tags')).toEqual({ found: true, leaves: ['vip', 'EU'] });
    expect(lookup(EVENT, 'data.items.sku')).toEqual({ found: true, leaves: ['A-1', 'B-2'] });
    expect(lookup(EVENT, 'data.route')).toEqual({ found: false });
    expect(lookup(EVENT, 'data.nope.deeper')).toEqual({ found: false });
    expect(lookup(EVENT, 'toString')).toEqual({ found: false });
  });
});

describe('matchesMarigoldSpec', () => {
  const spec = (filters: string[], advanced: AdvancedFilter[] = []) => ({ filters, advanced });

  it('needs at least one matching filter and every advanced filter', () => {
    expect(matchesMarigoldSpec(spec(['smc.*', '*.sent']), EVENT)).toBe(true);
    expect(matchesMarigoldSpec(spec(['smc.*', '*.failed']), EVENT)).toBe(false);
    expect(matchesMarigoldSpec(spec(['*.sent'], [f('data.recipient', 'stringEndsWith', 'gmail.com')]), EVENT)).toBe(true);
    expect(
      matchesMarigoldSpec(spec(['*.sent'], [f('data.recipient', 'stringEndsWith', 'gmail.com'), f('data.attempts', 'numberGreaterThan', 5)]), EVENT),
    ).toBe(false);
    expect(matchesMarigoldSpec(spec([]), EVENT)).toBe(false);
  });
});
