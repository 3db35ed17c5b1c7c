import { Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../../common/errors/api-problems.decorator';
import { Public } from '../../../common/auth/auth.decorators';
import { UnsubscribeResponse } from './unsubscribe.dto';
import { UnsubscribeService } from './unsubscribe.service';

/** Links in every campaign email; the signed token is the credential. */
@ApiTags('Unsubscribe')
@Controller('unsubscribe')
export class UnsubscribeController {
  constructor(private readonly unsubscribe: UnsubscribeService) {}

  @Get(':token')
  @Public('authenticated by the signed, tamper-proof unsubscribe token in the path')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiOperation({ operationId: 'unsubscribePage', summary: 'Unsubscribe confirmation page', description: 'The page an email\'s unsubscribe link opens: a button that POSTs the same URL. A tampered token: 400.' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'An HTML page', schema: { type: 'string', example: '<!doctype html><form method="post"><button>Unsubscribe</button></form>' } })
  @ApiProblems(400)
  page(@Param('token') token: string): string {
    return this.unsubscribe.confirmationPage(token);
  }

  @Post(':token')
  @HttpCode(200)
  @Public('RFC 8058 one-click: authenticated by the signed unsubscribe token in the path')
  @ApiOperation({
    summary: 'One-click unsubscribe',
    description:
      'RFC 8058 one-click (mail clients POST `List-Unsubscribe=One-Click`) and the confirmation page\'s button: ' +
      'ends the membership the signed token names and publishes `subscriber.unsubscribed`. Repeats answer the same.',
    operationId: 'oneClickUnsubscribe',
  })
  @ApiProduces('application/json')
  @ApiOkResponse({ type: UnsubscribeResponse })
  @ApiProblems(400)
  oneClick(@Param('token') token: string): Promise<UnsubscribeResponse> {
    return this.unsubscribe.unsubscribe(token);
  }
}
