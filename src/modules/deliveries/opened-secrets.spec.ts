import { OpenedSecrets } from './opened-secrets';

describe('OpenedSecrets', () => {
  const counting = () => {
    const calls: string[] = [];
    const open = (sealed: string) => {
      calls.push(sealed);
      if (sealed === 'bad') throw new Error('Unrecognised sealed secret');
      return `plain(${sealed})`;
    };
    return { calls, open };
  };

  it('opens a sealed value once while it is fresh, again after the TTL', () => {
    const { calls, open } = counting();
    const cache = new OpenedSecrets(open, 1000);
    expect(cache.get('a', 0)).toBe('plain(a)');
    expect(cache.get('a', 999)).toBe('plain(a)');
    expect(calls).toEqual(['a']);
    expect(cache.get('a', 1000)).toBe('plain(a)');
    expect(calls).toEqual(['a', 'a']);
  });

  it('does not cache failures', () => {
    const { calls, open } = counting();
    const cache = new OpenedSecrets(open);
    expect(() => cache.get('bad', 0)).toThrow('Unrecognised');
    expect(() => cache.get('bad', 1)).toThrow('Unrecognised');
    expect(calls).toEqual(['bad', 'bad']);
  });

  it('drops the oldest entry when full', () => {
    const { calls, open } = counting();
    const cache = new OpenedSecrets(open, 1000, 2);
    cache.get('a', 0);
    cache.get('b', 0);
    cache.get('c', 0);
    cache.get('b', 1);
    cache.get('a', 1);
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
  });
});
