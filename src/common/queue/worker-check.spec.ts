import { missingProcessors } from './worker-check';

describe('missingProcessors', () => {
  it('lists declared jobs without a handler', () => {
    expect(missingProcessors({ q: ['a', 'b'], r: ['c'] }, { q: new Set(['a']) })).toEqual(['q/b', 'r/c']);
  });
  it('is empty when all are handled', () => {
    expect(missingProcessors({ q: ['a'] }, { q: new Set(['a', 'extra']) })).toEqual([]);
  });
});
