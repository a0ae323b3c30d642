/** A small grocery catalog the corpus invoices sell from; integration tests seed it as products. */

export interface CatalogProduct {
  sku: string;
  /** EAN-13 with a valid check digit (Argentine prefix 779). */
  barcode: string;
  /** The catalog's own name. */
  name: string;
  /** How suppliers print it (abbreviated, upper case, pack size). */
  supplierDescription: string;
  /** Units per pack on the supplier's invoice (1 = sold by the unit, kg or l). */
  pack: number;
  unit: 'unit' | 'kg' | 'l';
  category: string;
  /** Supplier's unit price without IVA, centavos (per pack, or per kg). */
  netPriceCents: number;
  ivaRate: '21' | '10.5';
}

export function ean13(body12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body12[i]) * (i % 2 === 0 ? 1 : 3);
  return body12 + String((10 - (sum % 10)) % 10);
}

const rows: [string, string, string, number, CatalogProduct['unit'], string, number, CatalogProduct['ivaRate']][] = [
  ['Yerba mate Playadito 1 kg', 'YERBA PLAYADITO 1KG X10', 'Almacén', 10, 'unit', '000101', 4_250_000, '10.5'],
  ['Aceite de girasol Natura 1,5 l', 'ACEITE NATURA GIRASOL 1.5L X6', 'Almacén', 6, 'unit', '000102', 1_596_000, '21'],
  ['Fideos tirabuzón Matarazzo 500 g', 'FIDEOS MATARAZZO TIRABUZON 500G X20', 'Almacén', 20, 'unit', '000103', 2_180_000, '21'],
  ['Arroz largo fino Gallo 1 kg', 'ARROZ GALLO ORO LARGO FINO 1KG X10', 'Almacén', 10, 'unit', '000104', 1_890_000, '10.5'],
  ['Azúcar Ledesma 1 kg', 'AZUCAR LEDESMA CLASICA 1KG X10', 'Almacén', 10, 'unit', '000105', 1_120_000, '10.5'],
  ['Harina 000 Pureza 1 kg', 'HARINA PUREZA 000 1KG X10', 'Almacén', 10, 'unit', '000106', 985_000, '10.5'],
  ['Gaseosa cola 2,25 l', 'GASEOSA COLA 2.25L PET X6', 'Bebidas', 6, 'unit', '000107', 1_470_000, '21'],
  ['Agua mineral Villavicencio 2 l', 'AGUA VILLAVICENCIO S/GAS 2L X6', 'Bebidas', 6, 'unit', '000108', 702_000, '21'],
  ['Cerveza Quilmes lata 473 ml', 'CERVEZA QUILMES LATA 473CC X24', 'Bebidas', 24, 'unit', '000109', 3_120_000, '21'],
  ['Vino tinto Toro 1 l', 'VINO TORO TINTO CLASICO 1L X12', 'Bebidas', 12, 'unit', '000110', 2_460_000, '21'],
  ['Leche entera La Serenísima 1 l', 'LECHE LA SERENISIMA ENTERA 1L X12', 'Lácteos', 12, 'unit', '000111', 1_428_000, '10.5'],
  ['Yogur bebible frutilla 900 g', 'YOGUR BEBIBLE FRUTILLA 900G X6', 'Lácteos', 6, 'unit', '000112', 1_110_000, '21'],
  ['Queso cremoso', 'QUESO CREMOSO HORMA KG', 'Lácteos', 1, 'kg', '000113', 789_000, '21'],
  ['Jamón cocido', 'JAMON COCIDO FETEABLE KG', 'Fiambres', 1, 'kg', '000114', 1_245_000, '21'],
  ['Galletitas Criollitas 3 x 100 g', 'GALLETITAS CRIOLLITAS 300G X12', 'Almacén', 12, 'unit', '000115', 1_356_000, '21'],
  ['Dulce de leche La Serenísima 400 g', 'DULCE DE LECHE SERENISIMA 400G X12', 'Almacén', 12, 'unit', '000116', 2_064_000, '21'],
  ['Lavandina Ayudín 1 l', 'LAVANDINA AYUDIN 1L X12', 'Limpieza', 12, 'unit', '000117', 1_032_000, '21'],
  ['Detergente Magistral 500 ml', 'DETERGENTE MAGISTRAL LIMON 500ML X12', 'Limpieza', 12, 'unit', '000118', 2_268_000, '21'],
  ['Papel higiénico Higienol x4', 'PAPEL HIG HIGIENOL 4 ROLLOS X12', 'Limpieza', 12, 'unit', '000119', 2_556_000, '21'],
  ['Jabón en polvo Ala 800 g', 'JABON POLVO ALA 800G X10', 'Limpieza', 10, 'unit', '000120', 3_150_000, '21'],
  ['Pan lactal Bimbo 550 g', 'PAN LACTAL BIMBO BLANCO 550G X6', 'Panificados', 6, 'unit', '000121', 1_254_000, '10.5'],
  ['Galletitas Oreo 118 g', 'GALLETITAS OREO 118G X24', 'Almacén', 24, 'unit', '000122', 1_872_000, '21'],
  ['Café molido La Virginia 250 g', 'CAFE LA VIRGINIA MOLIDO 250G X12', 'Almacén', 12, 'unit', '000123', 3_744_000, '21'],
  ['Mayonesa Hellmanns 500 g', 'MAYONESA HELLMANNS DP 500G X12', 'Almacén', 12, 'unit', '000124', 2_940_000, '21'],
];

export const CATALOG: CatalogProduct[] = rows.map(([name, supplierDescription, category, pack, unit, code, netPriceCents, ivaRate], i) => ({
  sku: `SKU-${code}`,
  barcode: ean13(`7790${String(100000 + i * 37).padStart(6, '0')}${String(i).padStart(2, '0')}`),
  name,
  supplierDescription,
  pack,
  unit,
  category,
  netPriceCents,
  ivaRate,
}));
