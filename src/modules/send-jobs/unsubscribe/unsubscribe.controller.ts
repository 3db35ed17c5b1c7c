import { Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../../common/errors/api-problems.decorator';
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
  @ApiOperation({ operationId: 'unsubscribeOneClick', summary: 'One-click unsubscribe (RFC 8058)', description: 'Unsubscribes the recipient from the job\'s list; idempotent. A tampered token: 400 `invalid_unsubscribe_token`.' })
  @ApiOkResponse({ schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['unsubscribed'] } }, example: { status: 'unsubscribed' } } })
  @ApiProblems(400)
  oneClick(@Param('token') token: string): Promise<{ status: 'unsubscribed' }> {
    return this.unsubscribe.unsubscribe(token);
  }
}
