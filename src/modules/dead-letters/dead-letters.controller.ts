import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
import { Authenticated, TenantId } from '../../common/auth/auth.decorators';
import { ValidationStatus } from '../../common/errors/validation-status.decorator';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { ApiPageResponse, Page } from '../../common/pagination/cursor';
import { DeliveryResponse, ListDeadLettersQueryDto } from '../deliveries/deliveries.dto';
import { DeadLettersService } from './dead-letters.service';

@ApiTags('Dead Letters')
@ValidationStatus(400)
@Controller('v1/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @Authenticated({ role: 'viewer', apiKey: true })
  @ApiOperation({ operationId: 'listDeadLetters', summary: 'List dead letters', description: 'Deliveries that exhausted their retries or were refused outright, newest first.' })
  @ApiPageResponse(DeliveryResponse)
  list(@TenantId() tenantId: string, @Query() query: ListDeadLettersQueryDto): Promise<Page<DeliveryResponse>> {
    return this.deadLetters.list(tenantId, query);
  }

  @Post(':id/replay')
  @HttpCode(200)
  @Authenticated({ role: 'editor', apiKey: true })
  @ApiOperation({ operationId: 'replayDeadLetter', summary: 'Replay a dead letter', description: 'Queues a new attempt of a dead-lettered delivery; 409 `not_dead` when it is not dead-lettered.' })
  @ApiOkResponse({ type: DeliveryResponse })
  @ApiProblems(404, 409)
  replay(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<DeliveryResponse> {
    return this.deadLetters.replay(tenantId, id);
  }
}
