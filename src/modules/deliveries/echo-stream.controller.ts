import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
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
  stream(@Query('key') key: unknown, @Res() reply: FastifyReply): Promise<void> {
    return this.streams.stream(key, reply);
  }
}
