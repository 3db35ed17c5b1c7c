import { AppError } from '../errors/app-error';
import { hasRole, Principal } from './principal';

/**
 * A body that names a tenant must name the caller's own (403; the jobs API answers 401, hence `status`).
 * Platform admins may name any tenant.
 */
export function assertOwnTenant(principal: Principal, bodyTenantId: string | undefined, status: 401 | 403 = 403): void {
  if (bodyTenantId === undefined || hasRole(principal, 'admin')) return;
  if (bodyTenantId.toLowerCase() !== principal.tenantId) {
    throw new AppError(status === 401 ? 'unauthorized' : 'forbidden', 'tenant_id is not the caller\'s tenant', {
      reason: 'tenant_mismatch',
    });
  }
}
