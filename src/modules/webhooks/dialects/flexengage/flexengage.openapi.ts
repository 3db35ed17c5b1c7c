import { applyDecorators, Type } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOperation, ApiParam, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import {
  CreateFlexEngageWebhookDto, FlexEngageErrorResponse, FlexEngageEventDetail, FlexEngageEventsPage, FlexEngageWebhookResponse,
  PatchFlexEngageWebhookDto,
} from './flexengage.dto';

/** The Swagger description of the eight flexEngage operations, kept out of the controller so it reads as routes. */

export const FLEXENGAGE_TAG = 'flexEngage Webhooks';

const EXAMPLE_WEBHOOK_ID = '0193f5c2-7a1e-7b3c-9d4e-5f6a7b8c9d0e';
const EXAMPLE_EVENT_ID = '0193f5c4-1b2c-7d3e-8f4a-5b6c7d8e9f0a';

const problem = (status: number, message: string, description: string, extra: object = {}) => ({
  type: `urn:send-engine:problem:${{ 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 422: 'validation_failed', 429: 'rate_limited', 500: 'internal_error' }[status]}`,
  status, message, description, ...extra,
});

/** Errors leave as application/problem+json: the common problem body, whose flexEngage fields the schema names. */
function error(status: number, description: string, example: object) {
  return ApiResponse({ status, description, content: { 'application/problem+json': { schema: { $ref: getSchemaPath(FlexEngageErrorResponse) }, example } } });
}

const COMMON_ERRORS = [
  error(401, 'No valid bearer token (JWT or OAuth2 client-credentials token)', problem(401, 'UNAUTHORIZED', 'Missing or invalid bearer token')),
  error(429, 'Too many requests for this tenant; see Retry-After and X-RateLimit-*', problem(429, 'TOO MANY REQUESTS', 'Rate limit exceeded for this tenant')),
  error(500, 'Unexpected server error (the body carries only its request_id)', problem(500, 'Internal Server Error', 'Internal server error')),
];
const forbidden = (role: string) => error(403, `The token lacks the ${role} role`, problem(403, 'FORBIDDEN', `This route needs the ${role} role`));
const notFound = (what: string, description: string) => error(404, what, problem(404, 'NOT FOUND', description));

const BRAND = ApiParam({ name: 'brandId', description: 'The brand: the tenant\'s id or slug', example: 'acme' });
const WEBHOOK = ApiParam({ name: 'id', description: 'The webhook ID', format: 'uuid', example: EXAMPLE_WEBHOOK_ID });
const EVENT = ApiParam({ name: 'eventId', description: 'The event ID', format: 'uuid', example: EXAMPLE_EVENT_ID });

function operation(operationId: string, summary: string, description: string, role: 'viewer' | 'editor', ...rest: (MethodDecorator | ClassDecorator)[]) {
  return applyDecorators(ApiOperation({ operationId, summary, description }), ApiExtraModels(FlexEngageErrorResponse), BRAND, ...rest, forbidden(role), ...COMMON_ERRORS);
}

const ok = (status: number, description: string, type?: Type | [Type]) => ApiResponse({ status, description, ...(type && { type }) });

export const FlexEngageDocs = {
  create: () =>
    operation(
      'flexEngageCreateWebhook', 'Create a New Webhook',
      'Creates a webhook (enabled unless `enabled: false`): an HTTPS endpoint and the event types it receives. A type also covers every type under it (`ORDER_EVENTS.OMS` receives `ORDER_EVENTS.OMS.ORDER_SHIPPED`). The signing secret is read once with `POST /v1/subscriptions/{id}/rotate-secret`.',
      'editor',
      ApiBody({ type: CreateFlexEngageWebhookDto, examples: { shipped: { summary: 'order and tracking events', value: { endpoint: 'https://example.com/my/webhook/endpoint', events: ['ORDER_EVENTS.OMS.ORDER_SHIPPED', 'ORDER_EVENTS.TRACKING'], enabled: true } } } }),
      ApiResponse({
        status: 201, description: 'The webhook was created', type: FlexEngageWebhookResponse,
        headers: { Location: { description: 'Absolute URL of the new webhook (from PUBLIC_BASE_URL)', schema: { type: 'string', format: 'uri', example: `https://engine.example.com/v1/acme/webhooks/${EXAMPLE_WEBHOOK_ID}` } } },
      }),
      notFound('Unknown brand, or not the caller\'s', 'No webhooks with that brand ID were found'),
      error(409, 'A webhook already exists for the same endpoint with the same event types (in any order)', problem(409, 'CONFLICT', 'A webhook for endpoint: https://example.com/my/webhook/endpoint and eventTypes: ["ORDER_EVENTS.OMS.ORDER_SHIPPED"] already exists')),
      error(422, 'Missing or non-HTTPS endpoint, private address, empty events, or an unknown event type', problem(422, 'UNPROCESSABLE ENTITY', 'The request is invalid', { validations: { endpoint: 'endpoint is required' } })),
    ),
  list: () =>
    operation(
      'flexEngageListWebhooks', 'Get Webhooks', 'Returns every webhook of the brand created through this API, oldest first. A brand with none answers 404.', 'viewer',
      ok(200, 'The webhooks of the brand', [FlexEngageWebhookResponse]),
      notFound('No brand or webhooks were found', 'No webhooks with that brand ID were found'),
    ),
  get: () =>
    operation(
      'flexEngageGetWebhook', 'Get a webhook by ID', 'Returns the webhook with that ID.', 'viewer', WEBHOOK,
      ok(200, 'The webhook', FlexEngageWebhookResponse),
      notFound('The brand or webhook could not be found', `A webhook with ID: ${EXAMPLE_WEBHOOK_ID} for brandId: acme was not found`),
    ),
  toggle: () =>
    operation(
      'flexEngageToggleWebhook', 'Toggle a Webhook On or Off',
      'Turns a webhook off without deleting it (paused: nothing is sent; deliveries queued meanwhile are recorded as not sent), or back on.', 'editor', WEBHOOK,
      ApiBody({ type: PatchFlexEngageWebhookDto, examples: { off: { summary: 'turn off', value: { enabled: false } }, on: { summary: 'turn on', value: { enabled: true } } } }),
      ok(204, 'The webhook was modified'),
      notFound('No brand or webhook was found', 'No webhook with that brand ID was found'),
      error(422, '`enabled` missing or not a boolean', problem(422, 'UNPROCESSABLE ENTITY', 'The request is invalid', { validations: { enabled: 'enabled is required' } })),
    ),
  remove: () =>
    operation(
      'flexEngageDeleteWebhook', 'Delete a Webhook', 'Deletes the webhook; its event history is kept.', 'editor', WEBHOOK,
      ok(204, 'The webhook was deleted'),
      notFound('No brand or webhook was found', 'No webhooks with that brand ID were found'),
    ),
  events: () =>
    operation(
      'flexEngageListWebhookEvents', 'Get the Events of a Webhook',
      'The events sent to this webhook, newest first (`size` 1–100, default 20; `start` inclusive, `end` exclusive on the event time). The next page: pass `page.lastId` as `startId`; `lastId` is null on the last page.',
      'viewer', WEBHOOK,
      ok(200, 'A page of events', FlexEngageEventsPage),
      notFound('No brand or webhook was found', 'No webhook with that brand ID was found'),
      error(422, 'A bad `size`, `start`, `end` or `startId`', problem(422, 'UNPROCESSABLE ENTITY', 'The request is invalid', { validations: { size: 'size must not be greater than 100' } })),
    ),
  event: () =>
    operation(
      'flexEngageGetWebhookEvent', 'Get a webhook event by ID',
      'The event with every attempt: the request headers sent (signatures included), and the response status, headers, body (first 4 KB) and time in ms.',
      'viewer', WEBHOOK, EVENT,
      ok(200, 'The event and its attempts', FlexEngageEventDetail),
      notFound('The brand, webhook, or event was not found', 'No event with that ID was found'),
    ),
  retry: () =>
    operation(
      'flexEngageRetryWebhookEvent', 'Asynchronously Retry a Webhook Event',
      'Queues one more attempt of this event to this webhook, whatever its state; it counts as a new attempt.', 'editor', WEBHOOK, EVENT,
      // An explicit empty content map: the 202 has no body (not an empty `{}` schema).
      ApiResponse({ status: 202, description: 'The retry was queued (no body)', content: {} }),
      notFound('The brand, webhook, or event was not found', 'No event with that ID was found'),
    ),
};
