import { FixedRateResult, highestPassed, stepPassed } from './_load';

const result = (over: Partial<FixedRateResult> = {}): FixedRateResult => ({
  sent: 100, ok: 100, errors: 0, non2xx: 0, p50: 2, p90: 5, p99: 20, max: 30, achieved: 100, ...over,
});

describe('latency ladder', () => {
  it('passes a step only with p99 within the limit and every request answered 2xx', () => {
    expect(stepPassed(result(), 50)).toBe(true);
    expect(stepPassed(result({ p99: 50 }), 50)).toBe(true);
    expect(stepPassed(result({ p99: 50.1 }), 50)).toBe(false);
    expect(stepPassed(result({ ok: 99, non2xx: 1 }), 50)).toBe(false);
    expect(stepPassed(result({ ok: 99, errors: 1 }), 50)).toBe(false);
  });

  it('reports the highest rate below the first miss', () => {
    expect(highestPassed([{ rate: 500, passed: true }, { rate: 1000, passed: true }, { rate: 1500, passed: false }])).toBe(1000);
    expect(highestPassed([{ rate: 500, passed: false }, { rate: 1000, passed: true }])).toBe(0);
    expect(highestPassed([])).toBe(0);
  });

  it('passes a rate missed once when its second run passed; stops at a rate missed twice', () => {
    const steps = [
      { rate: 500, passed: true }, { rate: 1000, passed: false }, { rate: 1000, passed: true },
      { rate: 1500, passed: false }, { rate: 1500, passed: false }, { rate: 2000, passed: true },
    ];
    expect(highestPassed(steps)).toBe(1000);
  });
});
