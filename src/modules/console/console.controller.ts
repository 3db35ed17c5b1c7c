import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Authenticated, CurrentPrincipal, Public } from '../../common/auth/auth.decorators';
import { Principal } from '../../common/auth/principal';
import { ErrorResponse } from '../../common/errors/error-response.dto';
import { ValidationStatus } from '../../common/errors/validation-status.decorator';
import { NoStore } from '../../common/http/no-store.decorator';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { RateLimit } from '../../common/rate-limit/rate-limit.guard';
import { ConsoleLinkResponse, ConsoleSessionResponse, CreateConsoleLinkDto, OpenConsoleSessionDto } from './console.dto';
import { ConsoleService } from './console.service';

const setCookies = (reply: FastifyReply) => (values: string[]) => void reply.header('set-cookie', values);

@ApiTags('Console')
@ValidationStatus(422)
@Controller()
export class ConsoleController {
  constructor(private readonly console: ConsoleService) {}

  @Post('api/tenants/:id/console-links')
  @Authenticated({ role: 'editor' })
  @NoStore()
  @ApiOperation({
    operationId: 'createConsoleLink',
    summary: 'Mint a one-time link to the web console',
    description: 'A platform admin, or an editor of the tenant. The link opens once within 15 minutes and then keeps a session for 4 hours; `viewer` links open a read-only console.',
  })
  @ApiCreatedResponse({ type: ConsoleLinkResponse })
  @ApiUnauthorizedResponse({ type: ErrorResponse })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'A viewer, or a console session' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'Unknown tenant, or not the caller\'s' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponse })
  createLink(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Body() dto: CreateConsoleLinkDto): Promise<ConsoleLinkResponse> {
    return this.console.createLink(principal, id, dto);
  }

  @Post('console/session')
  @Public('the one-time console link token in the body is the credential')
  @RateLimit(false)
  @NoStore()
  @ApiOperation({
    operationId: 'openConsoleSession',
    summary: 'Open a console link',
    description: 'Exchanges the link token for the session cookie (HttpOnly, SameSite=Strict) and the CSRF token every later call sends as X-CSRF-Token. A link opens once.',
  })
  @ApiCreatedResponse({ type: ConsoleSessionResponse, description: 'Set-Cookie carries the session' })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: '`reason`: link_invalid, link_used or link_expired' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponse })
  open(@Body() dto: OpenConsoleSessionDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<ConsoleSessionResponse> {
    return this.console.open(dto.token, setCookies(reply));
  }

  @Get('console/session')
  @Public('reads the console session cookie itself, to hand its CSRF token to the same-origin console page')
  @RateLimit(false)
  @NoStore()
  @ApiOperation({ operationId: 'getConsoleSession', summary: 'The current console session', description: 'Who the cookie stands for and its CSRF token (after a page reload).' })
  @ApiOkResponse({ type: ConsoleSessionResponse })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'No session, or it expired' })
  current(@Req() req: FastifyRequest): Promise<ConsoleSessionResponse> {
    return this.console.current(req.headers.cookie);
  }

  @Delete('console/session')
  @HttpCode(204)
  @Public('only clears the console cookies')
  @RateLimit(false)
  @ApiOperation({ operationId: 'closeConsoleSession', summary: 'Sign out of the console', description: 'Clears the session cookies.' })
  @ApiNoContentResponse({ description: 'Cookies cleared' })
  @ApiBadRequestResponse({ type: ErrorResponse })
  close(@Res({ passthrough: true }) reply: FastifyReply): void {
    return this.console.close(setCookies(reply));
  }
}
