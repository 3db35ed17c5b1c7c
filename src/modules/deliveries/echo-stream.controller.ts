import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
import { Public } from '../../common/auth/auth.decorators';
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
  @ApiProblems(401, 403)
  @ApiQuery({ name: 'key', required: false, description: 'API key (whk_sandbox_, whk_test_ or whk_live_), exactly one; required unless a console session cookie is sent; redacted from request logs', example: 'whk_test_AbCdEfGhIjKlMnOpQrStUv' })
  @ApiQuery({ name: 'csrf', required: false, description: 'The console session\'s CSRF token, with its cookie' })
  stream(@Query('key') key: unknown, @Query('csrf') csrf: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.streams.stream({ key, csrf, cookie: req.headers.cookie }, reply);
  }
}
