import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Authenticated, TenantId } from '../../common/auth/auth.decorators';
import { ErrorResponse } from '../../common/errors/error-response.dto';
import { ValidationStatus } from '../../common/errors/validation-status.decorator';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { Idempotent } from '../../common/idempotency/idempotent.decorator';
import { RecoverDeadLettersDto, RecoveryResponse } from './recover.dto';
import { RecoverService } from './recover.service';

@ApiTags('Dead Letters')
@ValidationStatus(400)
@ApiUnauthorizedResponse({ type: ErrorResponse })
@ApiNotFoundResponse({ type: ErrorResponse, description: 'Unknown recover request, or another tenant\'s' })
@Controller('v1/dead-letters/recover')
export class RecoverController {
  constructor(private readonly recover: RecoverService) {}

  @Post()
  @HttpCode(202)
  @Authenticated({ role: 'editor', apiKey: true })
  @Idempotent()
  @ApiOperation({
    operationId: 'recoverDeadLetters',
    summary: 'Replay every dead letter of a time window',
    description:
      'Counts the dead letters that died in [since, until] (at most 14 days back) and replays them in the background, ' +
      'paced at the tenant\'s replays-per-second cap. `dry_run` only counts. Poll GET /v1/dead-letters/recover/{id}.',
  })
  @ApiAcceptedResponse({ type: RecoveryResponse })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Validation: since more than 14 days back, until before since, bad ids' })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'A viewer' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'Idempotency-Key reused with another body, or still in progress' })
  create(@TenantId() tenantId: string, @Body() dto: RecoverDeadLettersDto): Promise<RecoveryResponse> {
    return this.recover.create(tenantId, dto);
  }

  @Get(':id')
  @Authenticated({ role: 'viewer', apiKey: true })
  @ApiOperation({ operationId: 'getDeadLetterRecovery', summary: 'Progress of a bulk recover', description: 'Status, total and replayed so far.' })
  @ApiOkResponse({ type: RecoveryResponse })
  get(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<RecoveryResponse> {
    return this.recover.get(tenantId, id);
  }
}
