import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
import { Authenticated, CurrentPrincipal, TenantId } from '../../common/auth/auth.decorators';
import { Principal } from '../../common/auth/principal';
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
@Controller('api')
export class SubscribersController {
  constructor(
    private readonly subscribers: SubscribersService,
    private readonly suppressions: SuppressionList,
  ) {}

  @Get('lists')
  @Authenticated({ role: 'viewer' })
  @ApiOkResponse({ type: ListPage })
  @ApiOperation({ operationId: 'listLists', summary: 'List lists', description: 'The tenant\'s lists, newest first.' })
  listLists(@TenantId() tenantId: string, @Query() query: PageQueryDto): Promise<ListPage> {
    return this.subscribers.listLists(tenantId, query);
  }

  @Get('lists/:id/members')
  @Authenticated({ role: 'viewer' })
  @ApiOkResponse({ type: MemberPage })
  @ApiOperation({ operationId: 'listListMembers', summary: 'List a list\'s members', description: 'Members with email, status, reason and the sync or import that last wrote them; optionally by status.' })
  @ApiProblems(404)
  listMembers(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string, @Query() query: MembersQueryDto): Promise<MemberPage> {
    return this.subscribers.listMembers(tenantId, id, query);
  }

  @Get('lists/:id/syncs/:syncId')
  @Authenticated({ role: 'viewer' })
  @ApiOkResponse({ type: FullSyncResponse })
  @ApiOperation({ operationId: 'getFullSync', summary: 'Progress of a full sync', description: 'Status, batches received of the total, subscribers received, members removed on completion.' })
  @ApiProblems(404)
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
  @ApiOperation({ operationId: 'getSubscriber', summary: 'Get a subscriber', description: 'Profile, preferences, every list membership and the active suppression, if any.' })
  @ApiProblems(404)
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
  listSuppressions(@TenantId() tenantId: string, @Query() query: SuppressionsQueryDto): Promise<SuppressionPage> {
    return this.suppressions.list(tenantId, query);
  }

  @Delete('suppressions/:email')
  @HttpCode(204)
  @Authenticated({ role: 'editor' })
  @ApiNoContentResponse({ description: 'Lifted; the row is kept with who lifted it and when' })
  @ApiOperation({ operationId: 'liftSuppression', summary: 'Lift a suppression', description: 'The address may be sent to again once Member Center or an admin makes it active; the row keeps who lifted it and when.' })
  @ApiProblems(404)
  liftSuppression(@TenantId() tenantId: string, @CurrentPrincipal() principal: Principal, @Param('email') email: string): Promise<void> {
    return this.suppressions.lift(tenantId, email, principal.subject);
  }
}
