import { Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../../../common/auth/auth.decorators';
import { UnsubscribeService } from './unsubscribe.service';

/** Links in every campaign email; the signed token is the credential. */
@ApiTags('Unsubscribe')
@Controller('unsubscribe')
export class UnsubscribeController {
  constructor(private readonly unsubscribe: UnsubscribeService) {}

  @Get(':token')
  @Public('authenticated by the signed, tamper-proof unsubscribe token in the path')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(@Param('token') token: string): string {
    return this.unsubscribe.confirmationPage(token);
  }

  @Post(':token')
  @HttpCode(200)
  @Public('RFC 8058 one-click: authenticated by the signed unsubscribe token in the path')
  oneClick(@Param('token') token: string): Promise<{ status: 'unsubscribed' }> {
    return this.unsubscribe.unsubscribe(token);
  }
}
