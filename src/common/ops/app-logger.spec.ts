import { PinoLogger } from 'nestjs-pino';
import { AppLogger, logTransport } from './app-logger';

describe('AppLogger', () => {
  const pino = () => ({ info: jest.fn(), debug: jest.fn() }) as unknown as PinoLogger & { info: jest.Mock; debug: jest.Mock };

  it('moves Nest start-up chatter (module and route mapping) to debug, keeps everything else at info', () => {
    const target = pino();
    const logger = new AppLogger(target, {});
    logger.log('Mapped {/api/lists, POST} route', 'RouterExplorer');
    logger.log('TypeOrmModule dependencies initialized', 'InstanceLoader');
    expect(target.debug).toHaveBeenCalledTimes(2);
    expect(target.info).not.toHaveBeenCalled();
    logger.log('reconciler re-enqueued 3 due deliveries', 'ReconcilerScheduler');
    expect(target.info).toHaveBeenCalledTimes(1);
  });

  it('pretty-prints in development only', () => {
    expect(logTransport('development')?.target).toBe('pino-pretty');
    expect(logTransport('production')).toBeUndefined();
    expect(logTransport('test')).toBeUndefined();
  });
});
