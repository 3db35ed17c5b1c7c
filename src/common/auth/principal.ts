export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, whatever the credential: an admin-client JWT, an API key or an OAuth client's token. */
export interface Principal {
  kind: 'user' | 'api_key' | 'oauth_client' | 'console_session';
  subject: string;
  /** The tenant every query is scoped to; null for a platform admin not acting in a tenant. */
  tenantId: string | null;
  roles: Role[];
}

const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 };

/** admin ⊇ editor ⊇ viewer. */
export function hasRole(principal: Principal, required: Role): boolean {
  return principal.roles.some((r) => RANK[r] >= RANK[required]);
}
