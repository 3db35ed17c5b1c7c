import { Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ErrorResponse } from '../../../common/errors/error-response.dto';
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
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'The token is invalid or tampered with (`reason: invalid_unsubscribe_token`)' })
  oneClick(@Param('token') token: string): Promise<UnsubscribeResponse> {
    return this.unsubscribe.unsubscribe(token);
  }
}
