import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../client';

/** Product categories (the category summary of `GET /v1/margins`). */
export function useCategories() {
  return useQuery({
    queryKey: ['categories'],
    queryFn: () => unwrap<{ categories: { category: string }[] }>(api.GET('/v1/margins', { params: { query: { limit: 1 } } })),
    select: (d) => d.categories.map((c) => c.category),
    staleTime: 10 * 60_000,
  });
}

const names: Record<string, string> = {
  almacen: 'Almacén',
  bebidas: 'Bebidas',
  lacteos: 'Lácteos',
  fiambres: 'Fiambres',
  limpieza: 'Limpieza',
  panaderia: 'Panadería',
  perfumeria: 'Perfumería',
  golosinas: 'Golosinas',
  congelados: 'Congelados',
  verduleria: 'Verdulería',
};
/** A category as people write it ("lacteos" → "Lácteos"). */
export const categoryLabel = (c: string) => names[c] ?? c.charAt(0).toUpperCase() + c.slice(1);
