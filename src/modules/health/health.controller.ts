import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
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
  @ApiOperation({ operationId: 'live', summary: 'Liveness probe', description: '200 while the process runs; checks nothing else.' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @Public('readiness probe')
  @ApiOperation({ operationId: 'ready', summary: 'Readiness probe', description: '200 when Postgres and Redis both answer within 1.5 s, else 503 naming what is down.' })
  @ApiProblems(503)
  @ApiOkResponse({ schema: { example: { status: 'ok', checks: { postgres: 'up', redis: 'up' } } } })
  ready() {
    return this.health.ready();
  }

  @Get('v1/healthz')
  @Public('liveness probe: load balancers call it without credentials')
  @ApiOperation({ operationId: 'healthz', summary: 'Relay API liveness', description: 'The `/v1/*` API\'s own liveness answer with the running version.' })
  @ApiOkResponse({ schema: { type: 'object', required: ['status', 'version'], properties: { status: { type: 'string', enum: ['healthy'] }, version: { type: 'string' } }, example: { status: 'healthy', version: '0.1.0' } } })
  healthz(): { status: 'healthy'; version: string } {
    return { status: 'healthy', version: this.health.version };
  }
}
