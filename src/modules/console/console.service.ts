import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { csrfTokenOf, openSession, readSessionCookie, sealSession, sessionCookies, sessionPrincipal, sessionRevoked } from '../../common/auth/session-cookie';
import { randomToken, sha256Hex } from '../../common/crypto/secrets';
import { AppError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { TenantsService } from '../tenants/tenants.service';
import { ConsoleLinksRepository } from './console-links.repository';
import { ConsoleSessions } from './console-sessions';
import { ConsoleLinkResponse, ConsoleSessionResponse, CreateConsoleLinkDto } from './console.dto';

export const LINK_TTL_MS = 15 * 60 * 1000;
export const SESSION_TTL_MS = 4 * 60 * 60 * 1000;

type SetCookies = (values: string[]) => void;

/** Magic links to the console and the sessions they open. */
@Injectable()
export class ConsoleService {
  constructor(
    private readonly links: ConsoleLinksRepository,
    private readonly sessions: ConsoleSessions,
    private readonly tenants: TenantsService,
    private readonly config: AppConfig,
  ) {}

  /** A platform admin, or an editor of the tenant itself; anyone else's tenant is 404 like an unknown one. */
  async createLink(principal: Principal, tenantId: string, dto: CreateConsoleLinkDto): Promise<ConsoleLinkResponse> {
    if (!principal.roles.includes('admin') && principal.tenantId !== tenantId) throw AppError.notFound('Tenant');
    if (principal.kind === 'console_session') {
      throw new AppError('forbidden', 'A console session cannot mint console links', { reason: 'insufficient_role' });
    }
    await this.tenants.require(tenantId);
    const token = randomToken(32);
    const link = await this.links.insert({
      tenantId,
      role: dto.role ?? 'editor',
      tokenHash: sha256Hex(token),
      createdBy: principal.subject,
      expiresAt: new Date(Date.now() + LINK_TTL_MS),
    });
    return { url: `${this.config.PUBLIC_BASE_URL.replace(/\/$/, '')}/console/#/open/${token}`, role: link.role, expires_at: link.expiresAt.toISOString() };
  }

  /** Opens a link once: a session cookie for SESSION_TTL_MS and the CSRF token that goes with it. */
  async open(token: string, setCookies: SetCookies): Promise<ConsoleSessionResponse> {
    const now = new Date();
    const state = await this.links.open(sha256Hex(token), now);
    if (!state) throw new AppError('unauthorized', 'This console link is not valid', { reason: 'link_invalid' });
    if (state.outcome === 'used') throw new AppError('unauthorized', 'This console link was already used', { reason: 'link_used' });
    if (state.outcome === 'expired') throw new AppError('unauthorized', 'This console link has expired', { reason: 'link_expired' });
    if (state.outcome === 'revoked') throw new AppError('unauthorized', 'This console link was revoked', { reason: 'link_revoked' });
    const session = { sid: state.link.id, tenantId: state.link.tenantId, role: state.link.role, exp: now.getTime() + SESSION_TTL_MS };
    setCookies(sessionCookies(sealSession(this.config.encryptionKey, session), SESSION_TTL_MS / 1000, !this.insecureCookies));
    return this.describe(session);
  }

  /** The session behind the cookie, with its CSRF token, for the console page after a reload. */
  async current(cookieHeader: string | undefined): Promise<ConsoleSessionResponse> {
    const { session } = sessionPrincipal(this.config.encryptionKey, cookieHeader, null);
    if (await this.sessions.isRevoked(session.sid)) throw sessionRevoked();
    return this.describe(session);
  }

  /** Logout: the session behind the cookie (if it still opens) is revoked server-side, and the cookies cleared. */
  async close(cookieHeader: string | undefined, setCookies: SetCookies): Promise<void> {
    const value = readSessionCookie(cookieHeader);
    const session = value ? openSession(this.config.encryptionKey, value) : null;
    if (session) await this.sessions.revoke(session.sid);
    setCookies(sessionCookies('', 0, !this.insecureCookies));
  }

  /** Ends every console session of a tenant (and its unused links): a platform admin or the tenant's editor. */
  async revokeAll(principal: Principal, tenantId: string): Promise<{ revoked: number }> {
    if (!principal.roles.includes('admin') && principal.tenantId !== tenantId) throw AppError.notFound('Tenant');
    if (principal.kind === 'console_session') {
      throw new AppError('forbidden', 'A console session cannot end console sessions', { reason: 'insufficient_role' });
    }
    await this.tenants.require(tenantId);
    return { revoked: await this.sessions.revokeTenant(tenantId) };
  }

  /** `Secure` is left off only in development and tests (plain http://localhost). */
  private get insecureCookies(): boolean {
    return this.config.NODE_ENV !== 'production' && this.config.PUBLIC_BASE_URL.startsWith('http://');
  }

  private async describe(session: { sid: string; tenantId: string; role: string; exp: number }): Promise<ConsoleSessionResponse> {
    const tenant = await this.tenants.require(session.tenantId);
    return {
      tenant_id: tenant.id,
      tenant_name: tenant.name,
      role: session.role as ConsoleSessionResponse['role'],
      csrf_token: csrfTokenOf(this.config.encryptionKey, session.sid),
      expires_at: new Date(session.exp).toISOString(),
    };
  }
}
