import { Inject, Injectable } from '@nestjs/common';
import { Logger, Params, PARAMS_PROVIDER_TOKEN, PinoLogger } from 'nestjs-pino';

/** Nest's start-up chatter (one line per module and per route): useful when debugging, noise otherwise. */
const DEBUG_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/** The pino logger Nest writes through, with framework start-up lines moved to debug level. */
@Injectable()
export class AppLogger extends Logger {
  constructor(logger: PinoLogger, @Inject(PARAMS_PROVIDER_TOKEN) params: Params) {
    super(logger, params);
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && DEBUG_CONTEXTS.has(context)) super.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }
}

/** pino options: human-readable lines in development (pino-pretty), JSON lines everywhere else. */
export function logTransport(nodeEnv: string): { target: string; options: Record<string, unknown> } | undefined {
  if (nodeEnv !== 'development') return undefined;
  return {
    target: 'pino-pretty',
    options: {
      translateTime: 'HH:MM:ss.l',
      ignore: 'pid,hostname,role,context,req,res,responseTime',
      messageFormat: '{if context}{context}: {end}{msg}{if req.method} {req.method} {req.url} → {res.statusCode} ({responseTime} ms){end}',
      singleLine: true,
    },
  };
}
