import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { SignedBy } from '../../common/auth/auth.decorators';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
import { ValidationStatus } from '../../common/errors/validation-status.decorator';
import { BodyLimit, MAX_BODY_BYTES } from '../../common/http/body-limit';
import { FullSyncService } from './full-sync.service';
import { CallingClient, MemberCenterCaller, MemberCenterGuard } from './member-center.guard';
import { FullSyncBatchDto, FullSyncBatchResult, SubscriptionEventDto, SubscriptionEventResult } from './subscribers.dto';
import { SubscriptionEventsService } from './subscription-events.service';

/** Member Center's signed webhooks (docs/subscribers.md). */
@ApiTags('Member Center webhooks')
@ValidationStatus(422)
@SignedBy(MemberCenterGuard, 'webhookSignature', 'webhookTimestamp', 'webhookNonce', 'webhookClientId')
@ApiProblems(403, 503)
@Controller('webhooks')
export class MemberCenterController {
  constructor(
    private readonly events: SubscriptionEventsService,
    private readonly fullSync: FullSyncService,
  ) {}

  @Post('subscriptions')
  @HttpCode(200)
  @BodyLimit(256 * 1024)
  @ApiOkResponse({ type: SubscriptionEventResult, description: 'Recorded; applied unless older than what was already applied' })
  @ApiProblems(409)
  @ApiOperation({ operationId: 'receiveSubscriptionEvent', summary: 'Member Center subscription event', description: 'One signed event (activated, unsubscribed, preferences updated), applied exactly once per event_id and only when newer than what the membership last saw.' })
  @ApiBody({ type: SubscriptionEventDto, examples: { activated: { summary: 'A subscriber joins a list', value: { event_id: '0190f5d6-2f43-7a1e-9e55-1c2d3e4f5a6b', event_type: 'subscription.activated', tenant_id: '0193c2a4-6c7d-7e02-8f3a-4b5c6d7e8f90', list_id: '0190f5d6-2f43-7a1e-9e55-000000000001', subscriber: { id: '0190f5d6-2f43-7a1e-9e55-000000000002', email: 'ann@example.com', status: 'active', preferences: { first_name: 'Ann' } }, occurred_at: '2026-11-29T12:00:00Z' } } } })
  receiveEvent(@CallingClient() caller: MemberCenterCaller, @Body() dto: SubscriptionEventDto): Promise<SubscriptionEventResult> {
    return this.events.receive(caller, dto);
  }

  @Post('lists/full-sync')
  @HttpCode(200)
  @BodyLimit(MAX_BODY_BYTES)
  @ApiOkResponse({ type: FullSyncBatchResult, description: 'Batch upserted; `sync_status: completed` on the batch that completed the sync' })
  @ApiProblems(409)
  @ApiOperation({ operationId: 'receiveFullSyncBatch', summary: 'Member Center full-sync batch', description: 'One batch (up to 10,000 subscribers) of a full list sync; batches arrive in any order, and the one that completes the sync unsubscribes active members the sync did not contain.' })
  @ApiBody({ type: FullSyncBatchDto, examples: { batch: { summary: 'Batch 1 of 2', value: { sync_id: '0190f5d6-2f43-7a1e-9e55-00000000aaaa', batch_no: 1, batch_total: 2, tenant_id: '0193c2a4-6c7d-7e02-8f3a-4b5c6d7e8f90', list_id: '0190f5d6-2f43-7a1e-9e55-000000000001', subscribers: [{ id: '0190f5d6-2f43-7a1e-9e55-000000000002', email: 'ann@example.com', status: 'active', preferences: { first_name: 'Ann' } }], occurred_at: '2026-11-29T12:00:00Z' } } } })
  receiveBatch(@CallingClient() caller: MemberCenterCaller, @Body() dto: FullSyncBatchDto): Promise<FullSyncBatchResult> {
    return this.fullSync.receiveBatch(caller, dto);
  }
}
