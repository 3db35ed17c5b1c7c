import { Injectable } from '@nestjs/common';
import { TokenIssuer } from '../../common/auth/token-issuer';
import { AppError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { CredentialsService, roleForScopes } from './credentials.service';
import { TokenRequestDto, TokenResponse } from './oauth.dto';

/** Client id and secret from an HTTP Basic header (RFC 6749 §2.3.1: both form-urlencoded). */
export function parseBasicAuth(header: string | undefined): { id: string; secret: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

@Injectable()
export class OAuthService {
  constructor(
    private readonly config: AppConfig,
    private readonly credentials: CredentialsService,
    private readonly issuer: TokenIssuer,
  ) {}

  async token(dto: TokenRequestDto, authorization: string | undefined): Promise<TokenResponse> {
    if (dto.grant_type !== 'client_credentials') {
      throw dto.grant_type
        ? new AppError('unsupported_grant_type', 'Only client_credentials is supported')
        : new AppError('invalid_request', 'grant_type is required', { errors: { grant_type: ['is required'] } });
    }
    const basic = parseBasicAuth(authorization);
    const id = basic?.id ?? dto.client_id;
    const secret = basic?.secret ?? dto.client_secret;
    if (!id || !secret) throw new AppError('invalid_client', 'Client authentication failed', { headers: { 'WWW-Authenticate': 'Basic' } });
    const client = await this.credentials.authenticateOAuthClient(id, secret);
    if (!client) throw new AppError('invalid_client', 'Client authentication failed', { headers: { 'WWW-Authenticate': 'Basic' } });

    const requested = dto.scope?.split(' ').filter(Boolean) ?? client.scopes;
    const unknown = requested.filter((s) => !client.scopes.includes(s));
    if (unknown.length) throw new AppError('invalid_scope', `Scopes not granted to this client: ${unknown.join(' ')}`);

    const ttl = this.config.OAUTH_TOKEN_TTL_SECONDS;
    const accessToken = this.issuer.issue({
      subject: client.clientId,
      tenantId: client.tenantId,
      roles: [roleForScopes(requested)],
      ttlSeconds: ttl,
      extra: { client_id: client.clientId, scope: requested.join(' ') },
    });
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, scope: requested.join(' ') };
  }
}
