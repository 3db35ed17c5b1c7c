import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
import { Authenticated, TenantId } from '../../common/auth/auth.decorators';
import { ValidationStatus } from '../../common/errors/validation-status.decorator';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { ApiPageResponse, Page } from '../../common/pagination/cursor';
import { DeliveriesService } from './deliveries.service';
import { DeliveryResponse, ListDeliveriesQueryDto } from './deliveries.dto';

@ApiTags('Deliveries')
@ValidationStatus(400)
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get()
  @Authenticated({ role: 'viewer', apiKey: true })
  @ApiOperation({ operationId: 'listDeliveries', summary: 'List deliveries', description: 'Newest first, by event, subscription or status.' })
  @ApiPageResponse(DeliveryResponse)
  list(@TenantId() tenantId: string, @Query() query: ListDeliveriesQueryDto): Promise<Page<DeliveryResponse>> {
    return this.deliveries.list(tenantId, query);
  }

  @Get(':id')
  @Authenticated({ role: 'viewer', apiKey: true })
  @ApiOperation({ operationId: 'getDelivery', summary: 'Get a delivery with its attempts', description: 'The delivery and every attempt: signature sent, status, headers, body snippet, latency, error code.' })
  @ApiOkResponse({ type: DeliveryResponse })
  @ApiProblems(404)
  get(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<DeliveryResponse> {
    return this.deliveries.get(tenantId, id);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @Authenticated({ role: 'editor', apiKey: true })
  @ApiOperation({ operationId: 'retryDelivery', summary: 'Retry a delivery now', description: 'Puts the delivery back to pending and runs its next attempt at once (attempt numbers continue; any status).' })
  @ApiOkResponse({ type: DeliveryResponse })
  @ApiProblems(404)
  retry(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<DeliveryResponse> {
    return this.deliveries.retry(tenantId, id);
  }
}
