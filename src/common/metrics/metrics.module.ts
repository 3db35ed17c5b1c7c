import { Module } from '@nestjs/common';
import { Metrics } from './metrics';

/** The app's one Prometheus registry; modules that record import this (a module is a singleton per app). */
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
