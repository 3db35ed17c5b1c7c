import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Prometheus registry of one app instance (not prom-client's global one, so several apps can live in one
 * process, as in tests). Modules record through the named metrics below.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: 'queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [this.registry],
  });

  readonly queueOldestWaitingSeconds = new Gauge({
    name: 'queue_oldest_waiting_seconds',
    help: 'Age of the oldest waiting job per queue',
    labelNames: ['queue'],
    registers: [this.registry],
  });

  readonly deliveries = new Counter({
    name: 'webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  readonly emails = new Counter({
    name: 'emails_total',
    help: 'Campaign and job emails by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  readonly sesEvents = new Counter({
    name: 'ses_events_total',
    help: 'SES events received by type',
    labelNames: ['type'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
