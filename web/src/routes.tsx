import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { IconBuildingWarehouse, IconChecklist, IconDashboard, IconKey, IconPackage, IconArrowsExchange, IconTruckDelivery, IconUsers } from '@tabler/icons-react';
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
  { path: '/', label: 'Resumen', icon: IconDashboard, section: 'tienda', page: lazy(() => import('./pages/resumen/ResumenPage')) },
  { path: '/facturas', label: 'Facturas', icon: IconFileInvoice, section: 'tienda', page: lazy(() => import('./pages/facturas/FacturasPage')) },
  { path: '/facturas/:id', page: lazy(() => import('./pages/facturas/FacturaPage')) },
  { path: '/precios', label: 'Precios', icon: IconCurrencyDollar, section: 'tienda', page: lazy(() => import('./pages/precios/PreciosPage')) },
  { path: '/etiquetas', label: 'Etiquetas', icon: IconTags, section: 'tienda', page: lazy(() => import('./pages/etiquetas/EtiquetasPage')) },
  { path: '/pronostico', label: 'Pronóstico y reposición', icon: IconChartLine, section: 'tienda', page: lazy(() => import('./pages/pronostico/PronosticoPage')) },
  { path: '/colas', label: 'Colas', icon: IconStack2, permission: 'queues:view', section: 'admin', page: lazy(() => import('./pages/colas/ColasPage')) },
];
