import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenantsModule } from '../tenants/tenants.module';
import { ConsoleLink } from './console-link.entity';
import { ConsoleSessionRevocations } from '../../common/auth/console-session-revocations';
import { ConsoleLinksRepository } from './console-links.repository';
import { ConsoleSessions } from './console-sessions';
import { ConsoleController } from './console.controller';
import { ConsoleService } from './console.service';

/**
 * The web console: magic links, sessions (the cookie credential itself is checked by the global guard, which asks
 * `ConsoleSessionRevocations` whether a session was ended server-side).
 */
@Module({
  imports: [TypeOrmModule.forFeature([ConsoleLink]), TenantsModule],
  controllers: [ConsoleController],
  providers: [ConsoleService, ConsoleLinksRepository, ConsoleSessions, { provide: ConsoleSessionRevocations, useExisting: ConsoleSessions }],
  exports: [ConsoleService, ConsoleSessionRevocations],
})
export class ConsoleModule {}
