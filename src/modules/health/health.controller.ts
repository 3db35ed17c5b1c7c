import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/auth.decorators';
import { RateLimit } from '../../common/rate-limit/rate-limit.guard';
import { HealthService } from './health.service';

@ApiTags('Health')
@RateLimit(false)
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('health/live')
  @Public('liveness probe')
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @Public('readiness probe')
  @ApiOkResponse({ schema: { example: { status: 'ok', checks: { postgres: 'up', redis: 'up' } } } })
  ready() {
    return this.health.ready();
  }

  @Get('v1/healthz')
  @Public('liveness probe: load balancers call it without credentials')
  @ApiOkResponse({ schema: { type: 'object', required: ['status', 'version'], properties: { status: { type: 'string', enum: ['healthy'] }, version: { type: 'string' } } } })
  healthz(): { status: 'healthy'; version: string } {
    return { status: 'healthy', version: this.health.version };
  }
}
