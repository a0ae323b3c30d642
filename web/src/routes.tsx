import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { IconBuildingWarehouse, IconChecklist, IconDashboard, IconKey, IconPackage, IconArrowsExchange, IconTruckDelivery, IconUsers } from '@tabler/icons-react';
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
];
