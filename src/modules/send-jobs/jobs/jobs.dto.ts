import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsEmail, isEmail, IsIn, isIn, IsNotEmptyObject, IsOptional, IsString, MaxLength, maxLength, MinLength, minLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/cursor';
import { NestedObject } from '../../../common/validation/decorators';
import { isJsonObject, ValidatedFast } from '../../../common/validation/fast-path';
import { JOB_STATUSES, JOB_TYPES, JobStatus, JobType } from './job.entity';

/** Largest email body a job takes (characters). */
export const MAX_JOB_BODY_CHARS = 256 * 1024;

/** A string of `min`..`max` characters as class-validator counts them (its own MinLength / MaxLength functions). */
const text = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && minLength(v, min) && maxLength(v, max);
/** Exactly these keys: a body with any other key goes through class-validator, which strips or refuses it. */
const onlyKeys = (o: Record<string, unknown>, keys: string[]) => Object.keys(o).every((k) => keys.includes(k));

export class JobEmailPayloadDto {
  @ApiProperty({ example: 'user@example.com', description: 'Recipient address' })
  @IsEmail()
  @MaxLength(320)
  to!: string;

  @ApiProperty({ example: 'Hello' })
  @IsString()
  @MinLength(1)
  @MaxLength(998)
  subject!: string;

  @ApiProperty({ example: 'Welcome!', description: 'Plain-text body' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_JOB_BODY_CHARS)
  body!: string;
}

// POST /jobs is a hot route: a body valid as it is skips class-validator and class-transformer (same instance).
@ValidatedFast<CreateJobDto>((b) => {
  const p = b.payload;
  const valid =
    onlyKeys(b, ['tenantId', 'type', 'payload', 'webhookUrl']) && text(b.tenantId, 1, 200) && isIn(b.type, JOB_TYPES) &&
    (b.webhookUrl === undefined || text(b.webhookUrl, 0, 2048)) &&
    isJsonObject(p) && onlyKeys(p, ['to', 'subject', 'body']) &&
    typeof p.to === 'string' && isEmail(p.to) && maxLength(p.to, 320) && text(p.subject, 1, 998) && text(p.body, 1, MAX_JOB_BODY_CHARS);
  if (!valid) return undefined;
  const payload = Object.assign(new JobEmailPayloadDto(), { to: p.to, subject: p.subject, body: p.body });
  return Object.assign(new CreateJobDto(), { tenantId: b.tenantId, type: b.type, payload }, b.webhookUrl === undefined ? {} : { webhookUrl: b.webhookUrl });
})
export class CreateJobDto {
  @ApiProperty({ example: 'acme', description: "The caller's tenant: its id or slug (another tenant's is 401)" })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  tenantId!: string;

  @ApiProperty({ enum: JOB_TYPES, example: 'email' })
  @IsIn(JOB_TYPES, { message: `type must be one of: ${JOB_TYPES.join(', ')}` })
  type!: JobType;

  @ApiProperty({ type: JobEmailPayloadDto })
  @IsDefined()
  @IsNotEmptyObject()
  @NestedObject(() => JobEmailPayloadDto)
  payload!: JobEmailPayloadDto;

  @ApiPropertyOptional({
    example: 'https://client.app/webhooks/job',
    description: 'Receives the signed completion callback; https, not a private address; needs a tenant callback secret',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  webhookUrl?: string;
}

export class JobCreatedResponse {
  @ApiProperty({ example: 'job_01920c4e5a7b7c3d8e9f0a1b2c3d4e5f' }) jobId!: string;
  @ApiProperty({ enum: ['queued'], example: 'queued' }) status!: 'queued';
  @ApiProperty({ format: 'date-time', example: '2025-08-20T10:00:00.000Z' }) createdAt!: string;
}

export class JobResponse {
  @ApiProperty({ example: 'job_01920c4e5a7b7c3d8e9f0a1b2c3d4e5f' }) jobId!: string;
  @ApiProperty({ enum: JOB_STATUSES, example: 'running' }) status!: JobStatus;
  @ApiProperty({ example: 1, description: 'Provider calls made so far' }) attempts!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2025-08-20T10:01:00.000Z', description: 'When a queued or retry job runs next' })
  nextRunAt!: string | null;
  @ApiProperty({ format: 'date-time', example: '2025-08-20T10:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2025-08-20T10:00:30.000Z' }) updatedAt!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: '`suppressed`, the provider error, `outcome_unknown` (a crash interrupted the provider call); on `retry` the last transient error',
  })
  failureReason!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: null, description: 'The completion callback in /v1/deliveries' })
  callbackDeliveryId!: string | null;
}

export class JobPage {
  @ApiProperty({ type: [JobResponse] }) data!: JobResponse[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class ListJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;
}
