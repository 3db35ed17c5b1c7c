import { Body, Controller, Get, HttpCode, Module, Param, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, IsUUID, Max, Min, MinLength, ValidateNested } from 'class-validator';
import { Authenticated, CurrentPrincipal, TenantId } from '../../src/common/auth/auth.decorators';
import { Principal } from '../../src/common/auth/principal';
import { assertOwnTenant } from '../../src/common/auth/tenant-scope';
import { AppError } from '../../src/common/errors/app-error';
import { ValidationStatus } from '../../src/common/errors/validation-status.decorator';
import { BodyLimit } from '../../src/common/http/body-limit';
import { ParseIdPipe } from '../../src/common/http/parse-id.pipe';
import { IdempotencyModule } from '../../src/common/idempotency/idempotency.module';
import { Idempotent } from '../../src/common/idempotency/idempotent.decorator';
import { RateLimit } from '../../src/common/rate-limit/rate-limit.guard';

class Inner {
  @IsEmail() email!: string;
}

class ProbeDto {
  @IsOptional() @IsUUID() tenant_id?: string;
  @IsString() @MinLength(1) name!: string;
  @IsOptional() @IsInt() @Min(1) @Max(10) count?: number;
  @IsOptional() @ValidateNested() @Type(() => Inner) inner?: Inner;
}

/** Counts executions per tenant so tests can prove an idempotent request ran once. */
const executions = new Map<string, number>();
export const probeExecutions = (tenantId: string) => executions.get(tenantId) ?? 0;

const run = async (tenantId: string, dto: ProbeDto) => {
  executions.set(tenantId, probeExecutions(tenantId) + 1);
  await new Promise((r) => setTimeout(r, 150)); // long enough for a concurrent twin to arrive mid-flight
  return { tenant_id: tenantId, name: dto.name, execution: probeExecutions(tenantId) };
};

/**
 * Test-only routes in both validation dialects that go through the real guards, pipes, interceptors and filter.
 * Nothing here is mounted in the service.
 */
@ValidationStatus(400)
@RateLimit('probe')
@Authenticated({ role: 'editor', apiKey: true })
@Controller('v1/probe')
class V1ProbeController {
  @Post()
  @HttpCode(202)
  @Idempotent()
  @BodyLimit(1024)
  create(@TenantId() tenantId: string, @Body() dto: ProbeDto) {
    return run(tenantId, dto);
  }

  @Get('workspaces/:id')
  @Authenticated({ role: 'viewer', apiKey: true })
  workspace(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string) {
    if (id !== tenantId) throw AppError.notFound('Workspace');
    return { id };
  }
}

@ValidationStatus(422)
@RateLimit('probe')
@Authenticated({ role: 'editor' })
@Controller('api/probe')
class ApiProbeController {
  @Post()
  @HttpCode(200)
  create(@CurrentPrincipal() principal: Principal, @TenantId() tenantId: string, @Body() dto: ProbeDto) {
    assertOwnTenant(principal, dto.tenant_id);
    return run(tenantId, dto);
  }

  @Post('required-key')
  @HttpCode(201)
  @Idempotent({ required: true })
  requiredKey(@TenantId() tenantId: string, @Body() dto: ProbeDto) {
    return run(tenantId, dto);
  }
}

@Module({ imports: [IdempotencyModule], controllers: [V1ProbeController, ApiProbeController] })
export class ProbeModule {}
