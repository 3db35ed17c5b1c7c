import { Body, Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
  ApiExtraModels,
  ApiOAuth2,
} from '@nestjs/swagger';
import { Authenticated, TenantId } from '../../../../common/auth/auth.decorators';
import { ApiProblems, ProblemStatus, RouteProblem } from '../../../../common/errors/api-problems.decorator';
import { ValidationStatus } from '../../../../common/errors/validation-status.decorator';
import { SECURITY_SCHEMES } from '../../../../common/ops/swagger';
import { BodyLimit } from '../../../../common/http/body-limit';
import {
  CloudEventDto,
  GET_SUBSCRIPTIONS_EXAMPLE,
  MarigoldSubscriptionDto,
  PUT_SUBSCRIPTIONS_EXAMPLE,
  SEND_EVENTS_EXAMPLE,
  SendEventsResponse,
} from './marigold.dto';
import { MarigoldSubscriptionView, MAX_REQUEST_BYTES } from './marigold.mapper';
import { MarigoldService } from './marigold.service';

/** A Marigold problem body: the shared one plus the `traceId` that API's clients read (the request id). */
const problem = (status: ProblemStatus, description: string, example: Record<string, unknown> = {}): RouteProblem => ({
  status,
  description,
  example: { instance: '/api/webhooks/v1/admin/subscriptions', traceId: '0193c2a4-5b6e-7c01-9d2e-3f4a5b6c7d8e', ...example },
});

/** The answers every operation here can give before it runs. */
const AUTH_ERRORS = [
  problem(401, 'Missing, invalid or expired token (OAuth2 client-credentials JWT, tenant JWT or API key)'),
  problem(429, "The tenant's rate limit; see Retry-After"),
];

/** Marigold EDC webhooks: CloudEvents ingest and the tenant's subscription set. */
@ApiTags('Marigold webhooks (CloudEvents)')
@ApiExtraModels(CloudEventDto, MarigoldSubscriptionDto)
// Above @ValidationStatus so the class-wide 400 shows the Marigold body (with traceId) too.
@ApiProblems(problem(400, 'Malformed JSON, or an invalid body; `errors` keyed by position and field', { errors: { '[0].target_url': ['The target_url field is required.'] } }))
@ValidationStatus(400, 'marigold')
@Controller('api/webhooks/v1')
export class MarigoldController {
  constructor(private readonly marigold: MarigoldService) {}

  @Post('events/send')
  @HttpCode(202)
  @ApiProblems(
    problem(400, 'An invalid event; `errors` keyed by position and field, e.g. `[2].source`', {
      instance: '/api/webhooks/v1/events/send',
      errors: { '[2].source': ['The source field is required (a non-empty string).'] },
    }),
    problem(403, "A read-only token, or a `tenant` attribute that is not the caller's tenant", { instance: '/api/webhooks/v1/events/send' }),
    problem(413, 'More than 1,000 events or 1 MB', { instance: '/api/webhooks/v1/events/send' }),
    ...AUTH_ERRORS,
  )
  @BodyLimit(MAX_REQUEST_BYTES)
  @Authenticated({ role: 'editor', apiKey: true })
  @ApiOAuth2(['webhooks:write'], SECURITY_SCHEMES.oauth2)
  @ApiOperation({
    operationId: 'marigoldSendEvents',
    summary: 'Send CloudEvents',
    description:
      'A JSON array of CloudEvents 1.0 in structured mode (or one event), as application/json, application/cloudevents+json or ' +
      'application/cloudevents-batch+json; at most 1,000 events and 1 MB. All or nothing: one invalid event stores none. Each event is ' +
      'delivered to the subscriptions it matches, as received (structured-mode CloudEvent, signed with Standard Webhooks headers). The same ' +
      'source + id within 24 h is accepted again but not delivered twice. Needs a write scope (editor).',
  })
  @ApiConsumes('application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json')
  @ApiBody({ schema: { oneOf: [{ type: 'array', items: { $ref: getSchemaPath(CloudEventDto) } }, { $ref: getSchemaPath(CloudEventDto) }] }, examples: { batch: { value: SEND_EVENTS_EXAMPLE } } })
  @ApiAcceptedResponse({ type: SendEventsResponse, description: "Stored and queued; one engine event id per input event, in order" })
  send(@TenantId() tenantId: string, @Body() body: unknown): Promise<SendEventsResponse> {
    return this.marigold.sendEvents(tenantId, body);
  }

  @Get('admin/subscriptions')
  @ApiProblems(problem(403, 'The credential names another tenant'), ...AUTH_ERRORS)
  @Authenticated({ role: 'viewer', apiKey: true })
  @ApiOAuth2(['webhooks:read'], SECURITY_SCHEMES.oauth2)
  @ApiOperation({
    operationId: 'marigoldListSubscriptions',
    summary: 'Get all webhook subscriptions',
    description: "The tenant's subscriptions of this API, in the order last put, with their custom header values. Needs a read scope (viewer).",
  })
  @ApiOkResponse({ type: [MarigoldSubscriptionDto], description: 'The subscriptions', example: GET_SUBSCRIPTIONS_EXAMPLE })
  list(@TenantId() tenantId: string): Promise<MarigoldSubscriptionView[]> {
    return this.marigold.list(tenantId);
  }

  @Put('admin/subscriptions')
  @HttpCode(200)
  @ApiProblems(
    problem(400, 'An invalid entry (restricted header, bad filter, unknown operator, blocked URL…); `errors` keyed like `[1].headers[0]`', {
      errors: { '[1].headers[0]': ["The header 'Host' is restricted and cannot be set."] },
    }),
    problem(403, 'A read-only token'),
    problem(413, 'Body over 1 MB'),
    ...AUTH_ERRORS,
  )
  @Authenticated({ role: 'editor', apiKey: true })
  @ApiOAuth2(['webhooks:write'], SECURITY_SCHEMES.oauth2)
  @ApiOperation({
    operationId: 'marigoldReplaceSubscriptions',
    summary: 'Update webhook subscriptions on tenant level',
    description:
      "Replaces the tenant's whole set atomically: everything is validated first, and any error changes nothing. A subscription to a URL " +
      'already in the set keeps its signing secret. Needs a write scope (editor).',
  })
  @ApiBody({ type: [MarigoldSubscriptionDto], examples: { subscriptions: { value: PUT_SUBSCRIPTIONS_EXAMPLE } } })
  @ApiOkResponse({ description: 'Replaced', schema: { type: 'object', additionalProperties: false, example: {} } })
  replace(@TenantId() tenantId: string, @Body() body: unknown): Promise<Record<string, never>> {
    return this.marigold.replace(tenantId, body);
  }

  @Delete('admin/subscriptions')
  @HttpCode(204)
  @ApiProblems(problem(403, 'A read-only token'), ...AUTH_ERRORS)
  @Authenticated({ role: 'editor', apiKey: true })
  @ApiOAuth2(['webhooks:write'], SECURITY_SCHEMES.oauth2)
  @ApiOperation({
    operationId: 'marigoldDeleteSubscriptions',
    summary: 'Delete all webhook subscriptions for a tenant',
    description: "Removes the tenant's subscriptions of this API; nothing more is sent to them (deliveries stay in the history). Needs a write scope (editor).",
  })
  @ApiNoContentResponse({ description: 'Removed' })
  remove(@TenantId() tenantId: string): Promise<void> {
    return this.marigold.remove(tenantId);
  }
}
