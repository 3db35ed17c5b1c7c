import { Controller, Get, Header, Headers } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { MetricsAccess } from './metrics-access';
import { Metrics } from './metrics';
import { QueueMetrics } from './queue-metrics';

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly queues: QueueMetrics,
    private readonly access: MetricsAccess,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Public('checked by MetricsAccess: METRICS_TOKEN or an admin JWT')
  async scrape(@Headers('authorization') authorization?: string): Promise<string> {
    await this.access.check(authorization);
    await this.queues.refresh().catch(() => undefined); // a Redis outage must not hide the other metrics
    return this.metrics.registry.metrics();
  }
}
