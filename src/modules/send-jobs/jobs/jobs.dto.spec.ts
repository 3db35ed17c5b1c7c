import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { AppError } from '../../../common/errors/app-error';
import { createValidationPipe } from '../../../common/validation/validation.pipe';
import { CreateJobDto } from './jobs.dto';

const BODY: ArgumentMetadata = { type: 'body', metatype: CreateJobDto, data: '' };

/** What a pipe answers: the built DTO (its classes and own fields), or the error code and field errors it threw. */
async function outcome(fastPaths: boolean, input: unknown): Promise<unknown> {
  try {
    const dto = (await createValidationPipe({ fastPaths }).transform(JSON.parse(JSON.stringify(input)), BODY)) as CreateJobDto;
    return { class: dto.constructor.name, payloadClass: dto.payload?.constructor.name, fields: JSON.parse(JSON.stringify(dto)) as unknown };
  } catch (e) {
    return { code: (e as AppError).code, errors: (e as AppError).options.errors };
  }
}

describe('CreateJobDto fast path', () => {
  const payload = { to: 'user@example.com', subject: 'Hello', body: 'Welcome!' };
  const valid = { tenantId: 'acme', type: 'email', payload };
  const inputs: unknown[] = [
    valid,
    { ...valid, webhookUrl: 'https://client.app/webhooks/job' },
    { ...valid, webhookUrl: 'not a url' }, // the service checks the URL itself
    { ...valid, webhookUrl: '' },
    { ...valid, webhookUrl: null },
    { ...valid, webhookUrl: 42 },
    { ...valid, webhookUrl: 'https://x/' + 'a'.repeat(2048) },
    { ...valid, extra: 'stripped' },
    { ...valid, payload: { ...payload, cc: 'x@example.com' } },
    { ...valid, tenantId: '' },
    { ...valid, tenantId: 'x'.repeat(200) },
    { ...valid, tenantId: 'x'.repeat(201) },
    { ...valid, tenantId: '😀'.repeat(150) }, // 300 UTF-16 units, 150 characters as class-validator counts
    { ...valid, tenantId: 7 },
    { ...valid, type: 'sms' },
    { ...valid, type: null },
    { tenantId: 'acme', payload },
    { ...valid, payload: {} },
    { ...valid, payload: null },
    { ...valid, payload: [] },
    { ...valid, payload: 'text' },
    { ...valid, payload: { ...payload, to: 'not-an-email' } },
    { ...valid, payload: { ...payload, to: 'Üser@exämple.com' } },
    { ...valid, payload: { ...payload, to: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(61)}.com` } },
    { ...valid, payload: { ...payload, subject: '' } },
    { ...valid, payload: { ...payload, subject: 's'.repeat(999) } },
    { ...valid, payload: { ...payload, subject: '\ufe0f' } },
    { ...valid, payload: { ...payload, body: 7 } },
    { ...valid, payload: { to: 'user@example.com', subject: 'Hello' } },
    {},
  ];

  it.each(inputs.map((i) => [JSON.stringify(i).slice(0, 70), i]))('answers %s exactly as the full validation does', async (_name, input) => {
    expect(await outcome(true, input)).toEqual(await outcome(false, input));
  });

  it('takes the fast path for a valid body', async () => {
    const full = jest.spyOn(ValidationPipe.prototype, 'transform');
    const dto = (await createValidationPipe().transform({ ...valid }, BODY)) as CreateJobDto;
    expect(dto).toBeInstanceOf(CreateJobDto);
    expect(full).not.toHaveBeenCalled();
    full.mockRestore();
  });
});
