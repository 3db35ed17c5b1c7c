import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenantsModule } from '../tenants/tenants.module';
import { ConsoleLink } from './console-link.entity';
import { ConsoleLinksRepository } from './console-links.repository';
import { ConsoleController } from './console.controller';
import { ConsoleService } from './console.service';

/** The web console: magic links, sessions (the cookie credential itself is checked by the global guard). */
@Module({
  imports: [TypeOrmModule.forFeature([ConsoleLink]), TenantsModule],
  controllers: [ConsoleController],
  providers: [ConsoleService, ConsoleLinksRepository],
  exports: [ConsoleService],
})
export class ConsoleModule {}
