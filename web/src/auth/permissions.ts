import type { Role } from '../api/views';

/**
 * What each role may do, as the API enforces it (the API stays the boundary; the app only hides
 * what would be refused). `admin` may do everything.
 */
const grants = {
  'stock:write': ['deposito'],
  'locations:write': ['deposito'],
  'catalog:write': ['negocio'],
  'prices:write': ['negocio'],
  'invoices:write': ['deposito', 'negocio'],
  // Posting receives stock; costs past the band need a price role's approval first.
  'invoices:post': ['deposito'],
  'invoices:approvePrices': ['negocio'],
  'forecasts:write': ['ml_service'],
  'users:manage': [],
  'apiKeys:manage': [],
  'queues:view': [],
} satisfies Record<string, Role[]>;

export type Permission = keyof typeof grants;

export function can(role: Role | undefined, permission: Permission): boolean {
  if (!role) return false;
  return role === 'admin' || (grants[permission] as Role[]).includes(role);
}

export const roleLabel: Record<Role, string> = {
  admin: 'Administrador',
  deposito: 'Depósito',
  negocio: 'Negocio',
  ml_service: 'Servicio de pronósticos',
  viewer: 'Solo lectura',
};
