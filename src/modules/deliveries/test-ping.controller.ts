import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../common/auth/auth.decorators';
import { ValidationStatus } from '../../common/errors/validation-status.decorator';
import { RateLimit } from '../../common/rate-limit/rate-limit.guard';
import { TestPingService } from './test-ping.service';
import { TestWebhookDto, TestWebhookResponse } from './test-ping.dto';

@ApiTags('Events')
@ValidationStatus(400)
@Controller('v1/webhooks')
export class TestPingController {
  constructor(private readonly pings: TestPingService) {}

  @Post('test')
  @HttpCode(200)
  @RateLimit('webhook_test')
  @Authenticated({ role: 'editor', apiKey: true })
  test(@Body() dto: TestWebhookDto): Promise<TestWebhookResponse> {
    return this.pings.ping(dto);
  }
}
