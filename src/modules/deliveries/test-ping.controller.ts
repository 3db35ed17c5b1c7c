import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({ operationId: 'testWebhook', summary: 'Send a signed test ping', description: 'POSTs one signed `test.ping` (or the given type and payload) to a URL and reports the answer; nothing is stored. The secret is generated when not given.' })
  @ApiBody({ type: TestWebhookDto, examples: { ping: { summary: 'Probe an endpoint', value: { url: 'https://hooks.acme.example/send-engine' } } } })
  @ApiOkResponse({ type: TestWebhookResponse })
  test(@Body() dto: TestWebhookDto): Promise<TestWebhookResponse> {
    return this.pings.ping(dto);
  }
}
