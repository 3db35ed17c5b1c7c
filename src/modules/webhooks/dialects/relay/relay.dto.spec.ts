import { ArgumentMetadata } from '@nestjs/common';
import { AppError } from '../../../../common/errors/app-error';
import { createValidationPipe } from '../../../../common/validation/validation.pipe';
import { CreateEventDto } from './relay.dto';

const BODY: ArgumentMetadata = { type: 'body', metatype: CreateEventDto, data: '' };

/** What a pipe answers: the built DTO (its class and own fields), or the error code and field errors it threw. */
async function outcome(fastPaths: boolean, input: unknown): Promise<unknown> {
  try {
    const dto = (await createValidationPipe({ fastPaths }).transform(JSON.parse(JSON.stringify(input)), BODY)) as object;
    return { class: dto.constructor.name, fields: { ...dto } };
  } catch (e) {
    return { code: (e as AppError).code, errors: (e as AppError).options.errors };
  }
}

describe('CreateEventDto fast path', () => {
  const inputs: unknown[] = [
    { type: 'order.created', payload: { order_id: 'ord_1', total: 45.99, items: [{ sku: 'a' }], nested: { n: null } } },
    { type: 'a', payload: {} },
    { type: 'x'.repeat(128), payload: { a: 1 } },
    { type: 'order.created', payload: { a: 1 }, extra: 'stripped', idempotency_key: 'k' },
    { type: 'x'.repeat(129), payload: {} },
    { type: 'Order.Created', payload: {} },
    { type: '', payload: {} },
    { type: 'ok', payload: [] },
    { type: 'ok', payload: null },
    { type: 'ok', payload: 'text' },
    { type: 'ok' },
    { payload: {} },
    { type: null, payload: {} },
    { type: 42, payload: {} },
    { type: ['a'], payload: {} },
    {},
  ];

  it.each(inputs.map((i) => [JSON.stringify(i).slice(0, 60), i]))('answers %s exactly as the full validation does', async (_name, input) => {
    expect(await outcome(true, input)).toEqual(await outcome(false, input));
  });

  it('takes the fast path for a valid body (the payload is passed through, not copied)', async () => {
    const body = { type: 'order.created', payload: { a: 1 } };
    const fast = (await createValidationPipe().transform(body, BODY)) as CreateEventDto;
    const full = (await createValidationPipe({ fastPaths: false }).transform(body, BODY)) as CreateEventDto;
    expect(fast.payload).toBe(body.payload);
    expect(full.payload).not.toBe(body.payload);
  });
});
