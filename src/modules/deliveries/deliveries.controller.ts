import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
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
  @ApiPageResponse(DeliveryResponse)
  list(@TenantId() tenantId: string, @Query() query: ListDeliveriesQueryDto): Promise<Page<DeliveryResponse>> {
    return this.deliveries.list(tenantId, query);
  }

  @Get(':id')
  @Authenticated({ role: 'viewer', apiKey: true })
  get(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<DeliveryResponse> {
    return this.deliveries.get(tenantId, id);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @Authenticated({ role: 'editor', apiKey: true })
  retry(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<DeliveryResponse> {
    return this.deliveries.retry(tenantId, id);
  }
}
