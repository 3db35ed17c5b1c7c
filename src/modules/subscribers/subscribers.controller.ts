import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, TenantId } from '../../common/auth/auth.decorators';
import { Principal } from '../../common/auth/principal';
import { ErrorResponse } from '../../common/errors/error-response.dto';
import { ValidationStatus } from '../../common/errors/validation-status.decorator';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { PageQueryDto } from '../../common/pagination/cursor';
import {
  FullSyncResponse,
  ListPage,
  MemberPage,
  MembersQueryDto,
  SubscriberResponse,
  SuppressionPage,
  SuppressionsQueryDto,
} from './subscribers.dto';
import { SubscribersService } from './subscribers.service';
import { SuppressionList } from './suppression-list.service';

/** Admin reads of the tenant's lists, subscribers, sync progress and suppression list. */
@ApiTags('Subscribers')
@ValidationStatus(422)
@ApiNotFoundResponse({ type: ErrorResponse, description: 'Unknown id, or another tenant\'s' })
@Controller('api')
export class SubscribersController {
  constructor(
    private readonly subscribers: SubscribersService,
    private readonly suppressions: SuppressionList,
  ) {}

  @Get('lists')
  @Authenticated({ role: 'viewer' })
  @ApiOkResponse({ type: ListPage })
  listLists(@TenantId() tenantId: string, @Query() query: PageQueryDto): Promise<ListPage> {
    return this.subscribers.listLists(tenantId, query);
  }

  @Get('lists/:id/members')
  @Authenticated({ role: 'viewer' })
  @ApiOkResponse({ type: MemberPage })
  listMembers(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string, @Query() query: MembersQueryDto): Promise<MemberPage> {
    return this.subscribers.listMembers(tenantId, id, query);
  }

  @Get('lists/:id/syncs/:syncId')
  @Authenticated({ role: 'viewer' })
  @ApiOkResponse({ type: FullSyncResponse })
  getSync(
    @TenantId() tenantId: string,
    @Param('id', ParseIdPipe) id: string,
    @Param('syncId', ParseIdPipe) syncId: string,
  ): Promise<FullSyncResponse> {
    return this.subscribers.getSync(tenantId, id, syncId);
  }

  @Get('subscribers/:id')
  @Authenticated({ role: 'viewer' })
  @ApiOkResponse({ type: SubscriberResponse })
  getSubscriber(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<SubscriberResponse> {
    return this.subscribers.getSubscriber(tenantId, id);
  }

  @Get('suppressions')
  @Authenticated({ role: 'viewer' })
  @ApiOperation({
    operationId: 'listSuppressions',
    summary: 'The tenant\'s active suppressions',
    description: 'Newest first, cursor-paged; `q` keeps the addresses that contain it (case-insensitive).',
  })
  @ApiOkResponse({ type: SuppressionPage, description: 'Active suppressions, newest first' })
  @ApiUnauthorizedResponse({ type: ErrorResponse })
  @ApiUnprocessableEntityResponse({ type: ErrorResponse, description: 'Bad cursor, limit or q' })
  listSuppressions(@TenantId() tenantId: string, @Query() query: SuppressionsQueryDto): Promise<SuppressionPage> {
    return this.suppressions.list(tenantId, query);
  }

  @Delete('suppressions/:email')
  @HttpCode(204)
  @Authenticated({ role: 'editor' })
  @ApiNoContentResponse({ description: 'Lifted; the row is kept with who lifted it and when' })
  liftSuppression(@TenantId() tenantId: string, @CurrentPrincipal() principal: Principal, @Param('email') email: string): Promise<void> {
    return this.suppressions.lift(tenantId, email, principal.subject);
  }
}
