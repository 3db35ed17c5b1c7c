import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
import { FastifyReply } from 'fastify';
import { Public } from '../../common/auth/auth.decorators';
import { RateLimit } from '../../common/rate-limit/rate-limit.guard';
import { EchoStreamService } from './echo-stream.service';

@ApiTags('Deliveries')
@Controller('v1/echo')
export class EchoStreamController {
  constructor(private readonly streams: EchoStreamService) {}

  @Get('stream')
  @Public('EventSource cannot send headers: the API key in ?key= is checked by EchoStreamService')
  @RateLimit(false)
  @ApiOperation({
    operationId: 'streamDeliveryUpdates',
    summary: 'Live delivery updates (Server-Sent Events)',
    description:
      'Streams `event: delivery` frames for the API key\'s workspace for 60 s; EventSource reconnects for the next ' +
      'window. The key travels in `?key=` because EventSource cannot send headers; it is redacted from request logs.',
  })
  @ApiQuery({ name: 'key', required: true, description: 'API key (whk_sandbox_, whk_test_ or whk_live_); exactly one', example: 'whk_test_AbCdEfGhIjKlMnOpQrStUv' })
  @ApiOkResponse({
    description: 'Server-sent events for 60 s: one `event: delivery` frame per delivery state change, its data the delivery as GET /v1/deliveries/{id} lists it',
    content: { 'text/event-stream': { schema: { type: 'string' }, example: 'event: delivery\ndata: {"id":"0192f1c4-7a10-7cc3-9e51-5b2d7f1a0c11","status":"success"}\n\n' } },
  })
  @ApiProblems(401)
  stream(@Query('key') key: unknown, @Res() reply: FastifyReply): Promise<void> {
    return this.streams.stream(key, reply);
  }
}
