import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, TenantId } from '../../common/auth/auth.decorators';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
import { ValidationStatus } from '../../common/errors/validation-status.decorator';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { Idempotent } from '../../common/idempotency/idempotent.decorator';
import { RecoverDeadLettersDto, RecoveryResponse } from './recover.dto';
import { RecoverService } from './recover.service';

@ApiTags('Dead Letters')
@ValidationStatus(400)
@Controller('v1/dead-letters/recover')
export class RecoverController {
  constructor(private readonly recover: RecoverService) {}

  @Post()
  @HttpCode(202)
  @ApiProblems(
    {
      status: 400,
      description: 'Validation: since more than 14 days back, until before since, bad ids',
      example: { instance: '/v1/dead-letters/recover', errors: { since: ['since must be within the last 14 days'] } },
    },
    { status: 403, description: 'A viewer', example: { instance: '/v1/dead-letters/recover', detail: 'This route needs the editor role', message: 'This route needs the editor role' } },
    { status: 409, description: 'Idempotency-Key reused with another body, or still in progress', example: { instance: '/v1/dead-letters/recover' } },
  )
  @Authenticated({ role: 'editor', apiKey: true })
  @Idempotent()
  @ApiOperation({
    operationId: 'recoverDeadLetters',
    summary: 'Replay every dead letter of a time window',
    description:
      'Counts the dead letters that died in [since, until] (at most 14 days back) and replays them in the background, ' +
      'paced at the tenant\'s replays-per-second cap. `dry_run` only counts. Poll GET /v1/dead-letters/recover/{id}.',
  })
  @ApiBody({
    type: RecoverDeadLettersDto,
    examples: {
      dryRun: {
        summary: "Count one subscription's dead letters of a window",
        value: { subscription_id: '019ad0a4-5c1e-7b3e-9a51-3f1c2d4e5f60', since: '2026-11-28T00:00:00Z', until: '2026-11-29T09:00:00Z', dry_run: true },
      },
    },
  })
  @ApiAcceptedResponse({ type: RecoveryResponse })
  create(@TenantId() tenantId: string, @Body() dto: RecoverDeadLettersDto): Promise<RecoveryResponse> {
    return this.recover.create(tenantId, dto);
  }

  @Get(':id')
  @ApiProblems({ status: 404, description: "Unknown recover request, or another tenant's", example: { instance: '/v1/dead-letters/recover/019ad0b2-7e41-7c55-8f0e-2b6a9d3c4e11', detail: 'Recover request not found', message: 'Recover request not found' } })
  @Authenticated({ role: 'viewer', apiKey: true })
  @ApiOperation({ operationId: 'getDeadLetterRecovery', summary: 'Progress of a bulk recover', description: 'Status, total and replayed so far.' })
  @ApiOkResponse({ type: RecoveryResponse })
  get(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<RecoveryResponse> {
    return this.recover.get(tenantId, id);
  }
}
