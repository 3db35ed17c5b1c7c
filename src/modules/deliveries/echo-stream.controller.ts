import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
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
  @ApiQuery({ name: 'key', required: true, description: 'API key (whk_sandbox_, whk_test_ or whk_live_)' })
  @ApiOperation({ operationId: 'echoStream', summary: 'Live delivery stream (SSE)', description: 'Server-Sent Events: one `delivery` event per delivery update of the key\'s tenant, for 60 s per connection (reconnect for more). The API key travels in `?key=` because EventSource cannot send headers.' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An event stream', schema: { type: 'string', example: 'event: delivery\ndata: {"id":"0193c2a4-5b6e-7c01-9d2e-3f4a5b6c7d8e","status":"success"}\n\n' } })
  @ApiProblems(401)
  stream(@Query('key') key: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    return this.streams.stream(key, reply);
  }
}
