/**
 * Demo catalog of an Argentine mini market: ~200 products over the usual categories.
 * Deterministic (same list on every machine); barcodes are valid EAN-13 with the 779 prefix.
 */
import type { Unit } from '../db/database.js';

export interface DemoProduct {
  sku: string;
  barcode: string | null;
  name: string;
  category: string;
  unit: Unit;
  reorderPoint: string;
  /** Typical replacement cost in centavos (pricing uses it; stock ignores it). */
  costCents: number;
  /** Opening stock at the store and at the depósito. */
  opening: { SALON: string; DEPOSITO: string };
}

type Line = [name: string, costPesos: number];
const families: Record<string, { unit: Unit; lines: Line[]; variants: string[] }> = {
  almacen: {
    unit: 'unit',
    lines: [['Yerba mate', 3200], ['Arroz largo fino', 1500], ['Fideos spaghetti', 1100], ['Fideos mostachol', 1100], ['Harina 000', 900], ['Azúcar', 1200], ['Aceite de girasol', 2600], ['Puré de tomate', 800], ['Lentejas', 1400], ['Polenta', 900], ['Sal fina', 600], ['Mayonesa', 1800], ['Galletitas de agua', 950], ['Galletitas dulces', 1100], ['Café molido', 4200], ['Té en saquitos', 1000], ['Mermelada de durazno', 1900], ['Dulce de leche', 2100], ['Atún en lata', 2300], ['Arvejas en lata', 850]],
    variants: ['Marca A', 'Marca B'],
  },
  bebidas: {
    unit: 'unit',
    lines: [['Gaseosa cola 2,25 l', 2500], ['Gaseosa lima-limón 2,25 l', 2300], ['Agua mineral 2 l', 1000], ['Soda 2 l', 700], ['Cerveza lata 473 ml', 1300], ['Vino tinto 750 ml', 3500], ['Jugo en polvo', 300], ['Agua saborizada 1,5 l', 1400], ['Fernet 750 ml', 9500], ['Bebida isotónica 500 ml', 1200]],
    variants: ['Marca A', 'Marca B', 'Marca C'],
  },
  lacteos: {
    unit: 'unit',
    lines: [['Leche entera 1 l', 1100], ['Leche descremada 1 l', 1100], ['Yogur bebible 1 l', 1900], ['Queso crema 290 g', 2200], ['Manteca 200 g', 2300], ['Crema de leche 200 ml', 1500], ['Queso rallado 150 g', 2600], ['Postre de vainilla', 900], ['Dulce de leche repostero', 2400], ['Leche chocolatada 1 l', 1700]],
    variants: ['Marca A', 'Marca B'],
  },
  fiambres: {
    unit: 'kg',
    lines: [['Jamón cocido', 14000], ['Queso tybo', 9500], ['Salame milán', 16000], ['Mortadela', 7000], ['Queso cremoso', 8500], ['Paleta cocida', 9000], ['Bondiola', 19000], ['Queso de máquina', 9800], ['Salchichón', 8000], ['Lomito ahumado', 21000]],
    variants: ['Feteado', 'En horma'],
  },
  limpieza: {
    unit: 'unit',
    lines: [['Lavandina 1 l', 700], ['Detergente 750 ml', 1300], ['Jabón en polvo 800 g', 3200], ['Suavizante 900 ml', 1900], ['Limpiador de pisos 900 ml', 1400], ['Esponja', 400], ['Papel higiénico x4', 2100], ['Rollo de cocina x3', 1900], ['Bolsas de residuos x10', 900], ['Desodorante de ambientes', 2200]],
    variants: ['Marca A', 'Marca B', 'Marca C'],
  },
  panaderia: {
    unit: 'kg',
    lines: [['Pan francés', 2200], ['Facturas surtidas', 6500], ['Pan de campo', 3200], ['Bizcochos de grasa', 4500], ['Prepizza', 3800]],
    variants: ['Del día'],
  },
  perfumeria: {
    unit: 'unit',
    lines: [['Shampoo 400 ml', 3600], ['Acondicionador 400 ml', 3600], ['Jabón de tocador', 800], ['Pasta dental 90 g', 1700], ['Desodorante aerosol', 2900], ['Pañales x30', 12000], ['Toallitas húmedas', 2100], ['Algodón 70 g', 900]],
    variants: ['Marca A', 'Marca B'],
  },
  golosinas: {
    unit: 'unit',
    lines: [['Alfajor triple', 900], ['Chocolate con leche 80 g', 1900], ['Caramelos masticables', 150], ['Chicles', 400], ['Turrón', 350], ['Barra de cereal', 600], ['Papas fritas 90 g', 1500], ['Maní salado 120 g', 900]],
    variants: ['Marca A', 'Marca B', 'Marca C'],
  },
  congelados: {
    unit: 'unit',
    lines: [['Hamburguesas x4', 3500], ['Medallones de pollo', 3000], ['Papas congeladas 1 kg', 3300], ['Helado 1 kg', 6500], ['Empanadas x12', 7500]],
    variants: ['Marca A'],
  },
  verduleria: {
    unit: 'kg',
    lines: [['Papa', 700], ['Cebolla', 800], ['Tomate', 1600], ['Banana', 1500], ['Manzana', 1800], ['Naranja', 1100], ['Lechuga', 1900], ['Zanahoria', 900]],
    variants: ['Suelta'],
  },
};

/** EAN-13 check digit. */
export function ean13(first12: string): string {
  const sum = [...first12].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0);
  return `${first12}${(10 - (sum % 10)) % 10}`;
}

export function demoCatalog(): DemoProduct[] {
  const out: DemoProduct[] = [];
  let n = 0;
  for (const [category, fam] of Object.entries(families)) {
    fam.lines.forEach(([base, cost], li) => {
      fam.variants.forEach((variant, vi) => {
        n++;
        const weighed = fam.unit !== 'unit';
        const barcode = weighed ? null : ean13(`779${String(1000 + n).padStart(5, '0')}${String(li * 10 + vi).padStart(4, '0')}`);
        const sku = barcode ?? `${category.slice(0, 4).toUpperCase()}-${String(n).padStart(4, '0')}`;
        const costCents = Math.round(cost * (1 + vi * 0.12)) * 100;
        const opening = weighed ? { SALON: `${(3 + (n % 5)) * 1.25}`, DEPOSITO: `${(n % 4) * 2.5}` } : { SALON: String(6 + (n % 19)), DEPOSITO: String((n % 7) * 12) };
        out.push({ sku, barcode, name: `${base} ${variant}`, category, unit: fam.unit, reorderPoint: weighed ? '2' : String(4 + (n % 6)), costCents, opening });
      });
    });
  }
  return out;
}

export const demoLocations = [
  { code: 'SALON', name: 'Salón de ventas' },
  { code: 'DEPOSITO', name: 'Depósito' },
] as const;
