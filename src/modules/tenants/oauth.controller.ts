import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
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
  token(@Body() dto: TokenRequestDto, @Headers('authorization') authorization?: string): Promise<TokenResponse> {
    return this.oauth.token(dto, authorization);
  }
}
