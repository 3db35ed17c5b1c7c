import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable, retryWhileDatabaseUnavailable } from './database-unavailable';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006', '08001', '08P01'])('%s → unavailable', (code) => {
    expect(isDatabaseUnavailable(withCode(code))).toBe(true);
  });

  it('node-postgres errors without a code', () => {
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('wrapped: QueryFailedError driverError, cause, AggregateError', () => {
    expect(isDatabaseUnavailable(new QueryFailedError('SELECT 1', [], withCode('57P01')))).toBe(true);
    expect(isDatabaseUnavailable(new Error('outer', { cause: withCode('ECONNREFUSED') }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([withCode('ECONNREFUSED')]))).toBe(true);
  });

  it('statement errors and bugs are not', () => {
    expect(isDatabaseUnavailable(new QueryFailedError('SELECT', [], withCode('23505')))).toBe(false);
    expect(isDatabaseUnavailable(withCode('22P02'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});

describe('retryWhileDatabaseUnavailable', () => {
  const noSleep = async () => undefined;

  it('retries while the database is unreachable, then returns the result', async () => {
    const write = jest.fn().mockRejectedValueOnce(withCode('ECONNREFUSED')).mockRejectedValueOnce(withCode('57P03')).mockResolvedValue(7);
    await expect(retryWhileDatabaseUnavailable(write, 60_000, noSleep)).resolves.toBe(7);
    expect(write).toHaveBeenCalledTimes(3);
  });

  it('throws any other error at once', async () => {
    const write = jest.fn().mockRejectedValue(withCode('23505'));
    await expect(retryWhileDatabaseUnavailable(write, 60_000, noSleep)).rejects.toMatchObject({ code: '23505' });
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('gives up after maxMs', async () => {
    const write = jest.fn().mockRejectedValue(withCode('ECONNREFUSED'));
    await expect(retryWhileDatabaseUnavailable(write, 0, noSleep)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(write).toHaveBeenCalledTimes(1);
  });
});
