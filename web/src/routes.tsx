import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { IconArrowsExchange, IconBuildingWarehouse, IconChecklist, IconDashboard, IconKey, IconPackage, IconTruckDelivery, IconUsers } from '@tabler/icons-react';
import { IconChartLine, IconCurrencyDollar, IconFileInvoice, IconStack2, IconTags } from '@tabler/icons-react';
import type { Permission } from './auth/permissions';

export interface AppRoute {
  path: string;
  /** Menu text; routes without one are not in the menu (detail pages). */
  label?: string;
  icon?: ComponentType<{ size?: number; stroke?: number }>;
  /** Hidden from the menu and refused by the router for people without it. */
  permission?: Permission;
  /** Menu section. */
  section?: 'tienda' | 'admin';
  page: LazyExoticComponent<ComponentType>;
}

/**
 * Every page of the app, in menu order. Each page is its own chunk (route-level code splitting):
 * add a page by adding a folder under pages/ and a line here.
 */
export const appRoutes: AppRoute[] = [
  { path: '/', label: 'Resumen', icon: IconDashboard, page: lazy(() => import('./pages/resumen/ResumenPage')) },
  { path: '/productos', label: 'Productos', icon: IconPackage, page: lazy(() => import('./pages/productos/ProductosPage')) },
  { path: '/productos/:sku', page: lazy(() => import('./pages/productos/ProductoPage')) },
  { path: '/movimientos', label: 'Movimientos', icon: IconArrowsExchange, permission: 'stock:write', page: lazy(() => import('./pages/movimientos/MovimientosPage')) },
  { path: '/recuento', label: 'Recuento', icon: IconChecklist, permission: 'stock:write', page: lazy(() => import('./pages/recuento/RecuentoPage')) },
  { path: '/reposicion', label: 'Reposición', icon: IconTruckDelivery, page: lazy(() => import('./pages/reposicion/ReposicionPage')) },
  { path: '/facturas', label: 'Facturas', icon: IconFileInvoice, section: 'tienda', page: lazy(() => import('./pages/facturas/FacturasPage')) },
  { path: '/facturas/:id', page: lazy(() => import('./pages/facturas/FacturaPage')) },
  { path: '/precios', label: 'Precios', icon: IconCurrencyDollar, section: 'tienda', page: lazy(() => import('./pages/precios/PreciosPage')) },
  { path: '/etiquetas', label: 'Etiquetas', icon: IconTags, section: 'tienda', page: lazy(() => import('./pages/etiquetas/EtiquetasPage')) },
  { path: '/pronostico', label: 'Pronóstico y reposición', icon: IconChartLine, section: 'tienda', page: lazy(() => import('./pages/pronostico/PronosticoPage')) },
  { path: '/ubicaciones', label: 'Ubicaciones', icon: IconBuildingWarehouse, section: 'admin', page: lazy(() => import('./pages/ubicaciones/UbicacionesPage')) },
  { path: '/usuarios', label: 'Usuarios', icon: IconUsers, section: 'admin', permission: 'users:manage', page: lazy(() => import('./pages/usuarios/UsuariosPage')) },
  { path: '/claves-api', label: 'Claves de API', icon: IconKey, section: 'admin', permission: 'apiKeys:manage', page: lazy(() => import('./pages/claves-api/ClavesApiPage')) },
  { path: '/colas', label: 'Colas', icon: IconStack2, permission: 'queues:view', section: 'admin', page: lazy(() => import('./pages/colas/ColasPage')) },
];
