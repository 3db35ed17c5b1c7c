import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
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
  @ApiQuery({ name: 'key', required: false, description: 'API key (whk_sandbox_, whk_test_ or whk_live_); required unless a console session cookie is sent' })
  @ApiQuery({ name: 'csrf', required: false, description: 'The console session\'s CSRF token, with its cookie' })
  stream(@Query('key') key: string | undefined, @Query('csrf') csrf: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.streams.stream({ key, csrf, cookie: req.headers.cookie }, reply);
  }
}
