import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../common/auth/auth.decorators';
import { ErrorResponse } from '../../common/errors/error-response.dto';
import { RateLimit } from '../../common/rate-limit/rate-limit.guard';
import { EchoStreamService } from './echo-stream.service';

@ApiTags('Deliveries')
@Controller('v1/echo')
export class EchoStreamController {
  constructor(private readonly streams: EchoStreamService) {}

  @Get('stream')
  @Public('EventSource cannot send headers: the API key in ?key= (or the console cookie with ?csrf=) is checked by EchoStreamService')
  @RateLimit(false)
  @ApiOperation({
    operationId: 'streamDeliveryUpdates',
    summary: 'Live delivery updates (server-sent events)',
    description: 'One `event: delivery` frame per delivery state change of the workspace, its data the delivery as GET /v1/deliveries/{id} lists it. The stream closes after 60 s; EventSource reconnects.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'The stream', content: { 'text/event-stream': { schema: { type: 'string' }, example: 'event: delivery\ndata: {"id":"019ad0b2-7e41-7c55-8f0e-2b6a9d3c4e11","status":"success","attempts_made":1}\n\n' } } })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'No valid key, or no valid console session' })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'A console session without its csrf token' })
  @ApiQuery({ name: 'key', required: false, description: 'API key (whk_sandbox_, whk_test_ or whk_live_); required unless a console session cookie is sent' })
  @ApiQuery({ name: 'csrf', required: false, description: 'The console session\'s CSRF token, with its cookie' })
  stream(@Query('key') key: string | undefined, @Query('csrf') csrf: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.streams.stream({ key, csrf, cookie: req.headers.cookie }, reply);
  }
}
