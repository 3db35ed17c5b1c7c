import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config';
import { Env } from './env';

/**
 * Makes the validated environment injectable as `AppConfig` everywhere (and as ConfigService for libraries that
 * want one). Validation already happened in loadEnv, before the app was built.
 */
@Module({})
export class AppConfigModule {
  static register(env: Env): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, validate: () => ({ ...env }) })],
      providers: [{ provide: AppConfig, useValue: env }],
      exports: [AppConfig, ConfigModule],
    };
  }
}
