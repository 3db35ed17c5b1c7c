import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
import { Authenticated, SignedBy, TenantId } from '../../common/auth/auth.decorators';
import { ValidationStatus } from '../../common/errors/validation-status.decorator';
import { BodyLimit } from '../../common/http/body-limit';
import { RateLimit } from '../../common/rate-limit/rate-limit.guard';
import { Page } from '../../common/pagination/cursor';
import { DeliverabilityResponse, ListSesEventsQuery, SesEventDto, SesEventPage, SesEventResponse, SesWebhookResponse } from './ses-events.dto';
import { SesEventsReportService } from './ses-events-report.service';
import { SesEventsService } from './ses-events.service';
import { SesInbound, SesInput, SesSignatureGuard } from './ses-inbound';

/** `POST /webhooks/ses`: verified Amazon SNS messages and the flat HMAC-signed SesEvent. */
@ApiTags('SES events')
@ValidationStatus(422)
@RateLimit(false)
@Controller('webhooks/ses')
export class SesWebhookController {
  constructor(private readonly sesEvents: SesEventsService) {}

  @Post()
  @HttpCode(200)
  @SignedBy(SesSignatureGuard, 'sesSignature')
  @BodyLimit(256 * 1024)
  @ApiOperation({
    operationId: 'receiveSesEvent',
    summary: 'SES/SNS events',
    description:
      'Amazon SNS messages (text/plain, verified by their RSA signature and topic) or a flat SesEvent signed ' +
      '`X-Amz-Sns-Signature: sha256=<hex HMAC-SHA256 of the raw body>`.',
  })
  @ApiConsumes('application/json', 'text/plain')
  @ApiBody({ type: SesEventDto, examples: { hardBounce: { summary: 'A flat hard bounce', value: { event_type: 'bounce', bounce_type: 'hard', message_id: '0193c2b0-2b3c-7d4e-8f5a-6b7c8d9e0f1a', tenant_id: '0193c2a4-6c7d-7e02-8f3a-4b5c6d7e8f90', email: 'ann@example.com', occurred_at: '2026-11-29T12:00:00Z' } } } })
  @ApiOkResponse({ type: SesWebhookResponse })
  @ApiProblems(403)
  receive(@SesInput() inbound: SesInbound): Promise<SesWebhookResponse> {
    return this.sesEvents.receive(inbound);
  }
}

/** The operator's view of a tenant's SES events and deliverability. */
@ApiTags('SES events')
@ValidationStatus(422)
@Authenticated({ role: 'viewer' })
@Controller('api')
export class SesEventsController {
  constructor(private readonly report: SesEventsReportService) {}

  @Get('ses-events')
  @ApiOkResponse({ type: SesEventPage })
  @ApiOperation({ operationId: 'listSesEvents', summary: 'List SES events', description: 'The tenant\'s bounces, complaints, deliveries, opens and clicks, newest first, by type or address.' })
  list(@TenantId() tenantId: string, @Query() query: ListSesEventsQuery): Promise<Page<SesEventResponse>> {
    return this.report.list(tenantId, query);
  }

  @Get('deliverability')
  @ApiOkResponse({ type: DeliverabilityResponse })
  @ApiOperation({ operationId: 'getDeliverability', summary: 'Deliverability rates', description: 'Bounce and complaint rates over recent windows, against the thresholds SES enforces.' })
  deliverability(@TenantId() tenantId: string): Promise<DeliverabilityResponse> {
    return this.report.deliverability(tenantId);
  }
}
