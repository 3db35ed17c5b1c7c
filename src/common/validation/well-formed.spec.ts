import { findIllFormed } from './well-formed';

describe('findIllFormed', () => {
  it('accepts ordinary JSON, paired surrogates included', () => {
    expect(findIllFormed({ a: [1, 'x', { b: 'emoji \uD83D\uDE00', c: null }], d: true })).toBeNull();
  });

  it('names the path of a NUL or a lone surrogate, in values and in keys', () => {
    expect(findIllFormed({ a: { b: 'x\u0000y' } })).toEqual({ kind: 'bad_character', path: 'a.b', what: 'NUL' });
    expect(findIllFormed({ list: ['ok', '\uD800'] })).toEqual({ kind: 'bad_character', path: 'list.1', what: 'a lone surrogate' });
    expect(findIllFormed({ a: 'x\uDC00' })).toEqual({ kind: 'bad_character', path: 'a', what: 'a lone surrogate' });
    expect(findIllFormed({ ['k\u0000']: 1 })).toEqual({ kind: 'bad_character', path: 'k\u0000', what: 'NUL' });
    expect(findIllFormed('\u0000')).toEqual({ kind: 'bad_character', path: '', what: 'NUL' });
  });

  it('refuses nesting beyond the limit without recursing (100,000 levels)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findIllFormed(deep)).toEqual({ kind: 'too_deep' });
    let ok: unknown = 1;
    for (let i = 0; i < 32; i++) ok = { a: ok };
    expect(findIllFormed(ok, 32)).toBeNull();
    expect(findIllFormed({ a: ok }, 32)).toEqual({ kind: 'too_deep' });
  });
});
