import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
import { Public } from '../../common/auth/auth.decorators';
import { ValidationStatus } from '../../common/errors/validation-status.decorator';
import { NoStore } from '../../common/http/no-store.decorator';
import { TokenRequestDto, TokenResponse } from './oauth.dto';
import { OAuthService } from './oauth.service';

@ApiTags('Auth')
@ValidationStatus(400)
@Controller('oauth')
export class OAuthController {
  constructor(private readonly oauth: OAuthService) {}

  @Post('token')
  @HttpCode(200)
  @NoStore()
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @Public('the client authenticates with its id and secret in the request (RFC 6749 client credentials)')
  @ApiOperation({
    operationId: 'issueToken',
    summary: 'OAuth2 client-credentials token',
    description:
      'Exchanges a tenant OAuth client\'s id and secret (HTTP Basic, or `client_id`/`client_secret` fields) for a ' +
      'bearer token. A `…:write` scope makes it an editor token, read-only scopes a viewer token. Errors use the ' +
      'RFC 6749 codes (`invalid_client` 401, `unsupported_grant_type`, `invalid_scope` 400).',
  })
  @ApiBody({
    type: TokenRequestDto,
    examples: { clientCredentials: { summary: 'Client credentials with a write scope', value: { grant_type: 'client_credentials', client_id: 'oc_4kS9vQ2mXw7L', client_secret: 'ocs_Zq8Wn3rT0yVb6Xc1Ld5Ke9Ha2Gf4Js7Pm', scope: 'webhooks:write' } } },
  })
  @ApiOkResponse({ type: TokenResponse })
  @ApiProblems(401)
  token(@Body() dto: TokenRequestDto, @Headers('authorization') authorization?: string): Promise<TokenResponse> {
    return this.oauth.token(dto, authorization);
  }
}
