import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
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
  @ApiPageResponse(DeliveryResponse)
  list(@TenantId() tenantId: string, @Query() query: ListDeadLettersQueryDto): Promise<Page<DeliveryResponse>> {
    return this.deadLetters.list(tenantId, query);
  }

  @Post(':id/replay')
  @HttpCode(200)
  @Authenticated({ role: 'editor', apiKey: true })
  replay(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<DeliveryResponse> {
    return this.deadLetters.replay(tenantId, id);
  }
}
