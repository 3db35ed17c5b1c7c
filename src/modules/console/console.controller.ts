import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Authenticated, CurrentPrincipal, Public } from '../../common/auth/auth.decorators';
import { Principal } from '../../common/auth/principal';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
import { ValidationStatus } from '../../common/errors/validation-status.decorator';
import { NoStore } from '../../common/http/no-store.decorator';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { RateLimit } from '../../common/rate-limit/rate-limit.guard';
import { ConsoleLinkResponse, ConsoleSessionResponse, CreateConsoleLinkDto, OpenConsoleSessionDto, RevokeConsoleSessionsResponse } from './console.dto';
import { ConsoleService } from './console.service';

const setCookies = (reply: FastifyReply) => (values: string[]) => void reply.header('set-cookie', values);

@ApiTags('Console')
@ValidationStatus(422)
@Controller()
export class ConsoleController {
  constructor(private readonly console: ConsoleService) {}

  @Post('api/tenants/:id/console-links')
  @ApiProblems(
    { status: 403, description: 'A viewer, or a console session', example: { instance: '/api/tenants/019ad0a4-5c1e-7b3e-9a51-3f1c2d4e5f60/console-links' } },
    { status: 404, description: "Unknown tenant, or not the caller's", example: { instance: '/api/tenants/019ad0a4-5c1e-7b3e-9a51-3f1c2d4e5f60/console-links', detail: 'Tenant not found', message: 'Tenant not found' } },
    { status: 422, example: { instance: '/api/tenants/019ad0a4-5c1e-7b3e-9a51-3f1c2d4e5f60/console-links', errors: { role: ['role must be one of the following values: viewer, editor'] } } },
  )
  @Authenticated({ role: 'editor' })
  @NoStore()
  @ApiOperation({
    operationId: 'createConsoleLink',
    summary: 'Mint a one-time link to the web console',
    description: 'A platform admin, or an editor of the tenant. The link opens once within 15 minutes and then keeps a session for 4 hours; `viewer` links open a read-only console.',
  })
  @ApiBody({ type: CreateConsoleLinkDto, examples: { readOnly: { summary: 'A read-only console link', value: { role: 'viewer' } } } })
  @ApiCreatedResponse({ type: ConsoleLinkResponse })
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
  @ApiBody({ type: OpenConsoleSessionDto, examples: { link: { summary: 'The token after #/open/ in the link', value: { token: '4kq9Zb3nWc0rJ8yT1mXv2hL6pQe5sA7uD9fG0iK3oNw' } } } })
  @ApiCreatedResponse({ type: ConsoleSessionResponse, description: 'Set-Cookie carries the session' })
  @ApiProblems(
    { status: 401, description: '`reason`: link_invalid, link_used, link_expired or link_revoked', example: { instance: '/console/session', detail: 'This console link was already used', message: 'This console link was already used', reason: 'link_used' } },
    { status: 422, example: { instance: '/console/session', errors: { token: ['token is malformed'] } } },
  )
  open(@Body() dto: OpenConsoleSessionDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<ConsoleSessionResponse> {
    return this.console.open(dto.token, setCookies(reply));
  }

  @Get('console/session')
  @Public('reads the console session cookie itself, to hand its CSRF token to the same-origin console page')
  @RateLimit(false)
  @NoStore()
  @ApiOperation({ operationId: 'getConsoleSession', summary: 'The current console session', description: 'Who the cookie stands for and its CSRF token (after a page reload).' })
  @ApiOkResponse({ type: ConsoleSessionResponse })
  @ApiProblems({ status: 401, description: 'No session, it expired (`invalid_session`), or it was signed out or revoked (`session_revoked`)', example: { instance: '/console/session', detail: 'The console session is missing or has expired', message: 'The console session is missing or has expired', reason: 'invalid_session' } })
  current(@Req() req: FastifyRequest): Promise<ConsoleSessionResponse> {
    return this.console.current(req.headers.cookie);
  }

  @Delete('console/session')
  @HttpCode(204)
  @Public('only clears the console cookies')
  @RateLimit(false)
  @ApiOperation({
    operationId: 'closeConsoleSession',
    summary: 'Sign out of the console',
    description: 'Ends the session server-side (its cookie is refused from then on, 401 `session_revoked`, even if a copy was kept) and clears the session cookies.',
  })
  @ApiNoContentResponse({ description: 'Cookies cleared' })
  @ApiProblems({
    status: 400,
    description: 'A body that is not valid JSON',
    example: { type: 'urn:send-engine:problem:malformed_json', instance: '/console/session', error: 'malformed_json', detail: 'The body is not valid JSON', message: 'The body is not valid JSON', errors: undefined },
  })
  close(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    return this.console.close(req.headers.cookie, setCookies(reply));
  }

  @Delete('api/tenants/:id/console-sessions')
  @HttpCode(200)
  @ApiProblems(
    { status: 403, description: 'A viewer, or a console session', example: { instance: '/api/tenants/019ad0a4-5c1e-7b3e-9a51-3f1c2d4e5f60/console-sessions' } },
    { status: 404, description: "Unknown tenant, or not the caller's", example: { instance: '/api/tenants/019ad0a4-5c1e-7b3e-9a51-3f1c2d4e5f60/console-sessions', detail: 'Tenant not found', message: 'Tenant not found' } },
  )
  @Authenticated({ role: 'editor' })
  @NoStore()
  @ApiOperation({
    operationId: 'revokeConsoleSessions',
    summary: "End every console session of a tenant",
    description:
      'A platform admin, or an editor of the tenant. Every session opened from the tenant\'s console links is refused from then on (401 `session_revoked`; other engine processes within 5 s), and links not yet opened can no longer be (401 `link_revoked`). `revoked` counts the links revoked. New links work as before.',
  })
  @ApiOkResponse({ type: RevokeConsoleSessionsResponse })
  revokeAll(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string): Promise<RevokeConsoleSessionsResponse> {
    return this.console.revokeAll(principal, id);
  }
}
