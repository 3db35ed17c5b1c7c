import { camelCase, snakeCase, toSnakeKeys, withCamelKeys } from './dual-keys';

describe('dual keys', () => {
  it('converts names both ways', () => {
    expect(camelCase('window_start')).toBe('windowStart');
    expect(snakeCase('sendJobId')).toBe('send_job_id');
  });

  it('folds camelCase into snake_case, accepting the same value twice', () => {
    expect(toSnakeKeys({ listId: 'a', list_id: 'a', subject: 's' })).toEqual({
      value: { list_id: 'a', subject: 's' },
      errors: {},
    });
  });

  it('flags the same field given two ways with different values', () => {
    expect(toSnakeKeys({ list_id: 'a', listId: 'b' }).errors).toEqual({
      list_id: ['given as both list_id and listId with different values'],
    });
  });

  it('adds camelCase twins to a response', () => {
    expect(withCamelKeys({ send_job_id: 'x', status: 'pending' })).toEqual({ send_job_id: 'x', sendJobId: 'x', status: 'pending' });
  });
});
