import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { SignedBy } from '../../common/auth/auth.decorators';
import { ErrorResponse } from '../../common/errors/error-response.dto';
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
@ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Bad or missing signature headers; `reason` says which check failed' })
@ApiForbiddenResponse({ type: ErrorResponse, description: 'Client disabled (`client_disabled`), or tenant_id not bound to it (`tenant_not_bound`)' })
@ApiUnprocessableEntityResponse({ type: ErrorResponse, description: 'Validation error (`errors` maps fields to messages)' })
@ApiServiceUnavailableResponse({ type: ErrorResponse, description: 'Replay protection (Redis) unreachable: retry later' })
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
  @ApiConflictResponse({ type: ErrorResponse, description: '`duplicate_event`: this event_id was already received' })
  receiveEvent(@CallingClient() caller: MemberCenterCaller, @Body() dto: SubscriptionEventDto): Promise<SubscriptionEventResult> {
    return this.events.receive(caller, dto);
  }

  @Post('lists/full-sync')
  @HttpCode(200)
  @BodyLimit(MAX_BODY_BYTES)
  @ApiOkResponse({ type: FullSyncBatchResult, description: 'Batch upserted; `sync_status: completed` on the batch that completed the sync' })
  @ApiConflictResponse({ type: ErrorResponse, description: '`duplicate_batch`: this (sync_id, batch_no) was already received; or the sync was abandoned' })
  receiveBatch(@CallingClient() caller: MemberCenterCaller, @Body() dto: FullSyncBatchDto): Promise<FullSyncBatchResult> {
    return this.fullSync.receiveBatch(caller, dto);
  }
}
