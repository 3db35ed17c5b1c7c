import { buildProblem } from './problem';

const base = { instance: '/v1/acme/webhooks', requestId: 'req-1' };

describe('buildProblem', () => {
  it('the common body: message is the detail, no description', () => {
    const p = buildProblem({ ...base, status: 404, code: 'not_found', detail: 'Subscription not found' });
    expect(p).toMatchObject({ status: 404, title: 'Not Found', error: 'not_found', message: 'Subscription not found', detail: 'Subscription not found' });
    expect(p).not.toHaveProperty('description');
  });

  it('flexengage: message is the upper-case reason phrase, description the sentence, validations per field', () => {
    const p = buildProblem({
      ...base, status: 422, code: 'validation_failed', detail: 'There are errors in the request',
      errors: { endpoint: ['endpoint is required'], events: ['events must not be empty', 'events must be an array'] }, dialect: 'flexengage',
    });
    expect(p).toMatchObject({
      message: 'UNPROCESSABLE ENTITY', description: 'There are errors in the request', status: 422, error: 'validation_failed',
      validations: { endpoint: 'endpoint is required', events: 'events must not be empty; events must be an array' },
    });
    expect(buildProblem({ ...base, status: 409, code: 'conflict', detail: 'x', dialect: 'flexengage' }).message).toBe('CONFLICT');
    expect(buildProblem({ ...base, status: 404, code: 'not_found', detail: 'x', dialect: 'flexengage' }).message).toBe('NOT FOUND');
    expect(buildProblem({ ...base, status: 500, code: 'internal_error', detail: 'x', dialect: 'flexengage' }).message).toBe('Internal Server Error');
  });
});
