import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Authenticated, SignedBy, TenantId } from '../../common/auth/auth.decorators';
import { ValidationStatus } from '../../common/errors/validation-status.decorator';
import { BodyLimit } from '../../common/http/body-limit';
import { RateLimit } from '../../common/rate-limit/rate-limit.guard';
import { Page } from '../../common/pagination/cursor';
import { DeliverabilityResponse, ListSesEventsQuery, SesEventDto, SesEventPage, SesEventResponse, SesWebhookResponse } from './ses-events.dto';
import { ErrorResponse } from '../../common/errors/error-response.dto';
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
    summary: 'SES/SNS events',
    description:
      'Amazon SNS messages (text/plain, verified by their RSA signature and topic) or a flat SesEvent signed ' +
      '`X-Amz-Sns-Signature: sha256=<hex HMAC-SHA256 of the raw body>`.',
  })
  @ApiConsumes('application/json', 'text/plain')
  @ApiBody({ type: SesEventDto })
  @ApiOkResponse({ type: SesWebhookResponse })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Bad or missing signature (SNS or HMAC); `reason` says which check failed' })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'SNS topic not in SES_SNS_TOPIC_ARNS, SubscribeURL not an SNS host, or unknown tenant' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponse, description: 'Invalid flat SesEvent' })
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
  list(@TenantId() tenantId: string, @Query() query: ListSesEventsQuery): Promise<Page<SesEventResponse>> {
    return this.report.list(tenantId, query);
  }

  @Get('deliverability')
  @ApiOkResponse({ type: DeliverabilityResponse })
  deliverability(@TenantId() tenantId: string): Promise<DeliverabilityResponse> {
    return this.report.deliverability(tenantId);
  }
}
