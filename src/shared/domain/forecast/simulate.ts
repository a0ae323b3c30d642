import { civil, epochDay, holidayKind, isoDay, weekday } from './calendar.js';
import { buildInflationIndex, type MonthlyInflation } from './inflation.js';
import { createRng, hashSeed, type Rng } from './prng.js';

/** A product as the simulator needs it. `key` is the SKU; it seeds the product's own stream. */
export interface SimProductSpec {
  key: string;
  name?: string;
  category: string;
  unit: 'unit' | 'kg' | 'l';
  /** Shelf price at the start of the history, integer centavos. */
  basePriceCentavos?: number;
}

/** Simulated daily history of one product: quantities (3 decimals) and shelf price. */
export interface SimSeries {
  product: SimProductSpec;
  /** Units (or kg) sold per day, exact to 3 decimals. */
  quantity: Float64Array;
  /** Shelf price per day, integer centavos. */
  priceCentavos: Float64Array;
  /** The simulator's own mean demand per day (before noise): the best any forecast could know. */
  expected: Float64Array;
}

export interface SimulatedHistory {
  /** First day, ISO date. */
  start: string;
  days: number;
  series: SimSeries[];
}

export interface SimulateOptions {
  products: readonly SimProductSpec[];
  /** First day of the history, ISO date. */
  start: string;
  days: number;
  seed: number;
  /** Monthly CPI changes; defaults to the bundled national series. */
  inflation?: readonly MonthlyInflation[];
}

interface CategoryProfile {
  code: string;
  /** Median base demand per day (units or kg). */
  rate: number;
  /** Spread of base demand across products (log sd). */
  rateSpread: number;
  /** Monday … Sunday multipliers. */
  weekdays: readonly number[];
  /** Extra demand in the payday window (days 1–5), fraction. */
  payday: number;
  /** Extra demand in the second half of aguinaldo months, fraction. */
  aguinaldo: number;
  /** Multiplier on a public holiday and on the day before one. */
  holiday: number;
  holidayEve: number;
  /** Annual seasonality amplitude (fraction) and month of its peak. */
  seasonAmp: number;
  seasonPeak: number;
  /** Price elasticity of demand (positive number: demand ∝ realPrice^-e). */
  elasticity: number;
  /** Typical price in pesos of the base month. */
  price: number;
  /** Typical weight per purchase for weighed goods (kg). */
  weight?: number;
  items: readonly string[];
  unit: SimProductSpec['unit'];
}

const CATEGORIES: readonly CategoryProfile[] = [
  { code: 'almacen', rate: 0.9, rateSpread: 0.9, weekdays: [0.95, 0.9, 0.95, 1.0, 1.1, 1.25, 0.85], payday: 0.3, aguinaldo: 0.1, holiday: 0.85, holidayEve: 1.15, seasonAmp: 0.06, seasonPeak: 7, elasticity: 1.1, price: 1800, unit: 'unit',
    items: ['Fideos secos 500 g', 'Arroz largo fino 1 kg', 'Yerba mate 1 kg', 'Aceite de girasol 1,5 l', 'Azúcar 1 kg', 'Harina 0000 1 kg', 'Puré de tomate 520 g', 'Lentejas 400 g', 'Polenta 500 g', 'Sal fina 500 g', 'Mayonesa 250 g', 'Atún al natural 170 g', 'Café molido 250 g', 'Té en saquitos x25', 'Galletitas de agua 300 g', 'Arvejas en lata 350 g'] },
  { code: 'bebidas', rate: 1.4, rateSpread: 1.0, weekdays: [0.8, 0.8, 0.85, 0.95, 1.25, 1.5, 1.1], payday: 0.15, aguinaldo: 0.15, holiday: 1.25, holidayEve: 1.4, seasonAmp: 0.3, seasonPeak: 1, elasticity: 1.4, price: 2200, unit: 'unit',
    items: ['Gaseosa cola 2,25 l', 'Gaseosa lima-limón 1,5 l', 'Agua mineral 2 l', 'Cerveza lata 473 ml', 'Vino tinto 750 ml', 'Jugo en polvo 18 g', 'Soda sifón 2 l', 'Agua saborizada 1,5 l', 'Fernet 750 ml', 'Bebida isotónica 500 ml'] },
  { code: 'lacteos', rate: 1.6, rateSpread: 0.8, weekdays: [1.05, 1.0, 1.0, 1.0, 1.05, 1.1, 0.8], payday: 0.1, aguinaldo: 0.05, holiday: 0.9, holidayEve: 1.2, seasonAmp: 0.05, seasonPeak: 7, elasticity: 0.6, price: 1500, unit: 'unit',
    items: ['Leche entera 1 l', 'Leche descremada 1 l', 'Yogur bebible 1 l', 'Manteca 200 g', 'Dulce de leche 400 g', 'Queso crema 290 g', 'Crema de leche 200 ml', 'Yogur firme 190 g'] },
  { code: 'panaderia', rate: 2.0, rateSpread: 0.9, weekdays: [1.0, 0.95, 0.95, 1.0, 1.05, 1.15, 1.3], payday: 0.05, aguinaldo: 0.05, holiday: 1.1, holidayEve: 1.1, seasonAmp: 0.08, seasonPeak: 7, elasticity: 0.7, price: 900, unit: 'unit',
    items: ['Pan lactal 390 g', 'Facturas x6', 'Pan francés x4', 'Bizcochitos de grasa 200 g', 'Budín 250 g', 'Tapas para empanadas x12', 'Prepizza x2'] },
  { code: 'limpieza', rate: 0.35, rateSpread: 0.8, weekdays: [1.0, 0.95, 0.95, 1.0, 1.05, 1.2, 0.85], payday: 0.45, aguinaldo: 0.15, holiday: 0.8, holidayEve: 1.0, seasonAmp: 0.05, seasonPeak: 12, elasticity: 1.3, price: 2600, unit: 'unit',
    items: ['Lavandina 1 l', 'Detergente 500 ml', 'Jabón en polvo 800 g', 'Suavizante 900 ml', 'Limpiador de pisos 900 ml', 'Esponja x2', 'Bolsas de residuos x10', 'Papel higiénico x4', 'Rollo de cocina x3'] },
  { code: 'perfumeria', rate: 0.25, rateSpread: 0.8, weekdays: [1.0, 0.95, 0.95, 1.0, 1.05, 1.2, 0.85], payday: 0.5, aguinaldo: 0.2, holiday: 0.8, holidayEve: 1.0, seasonAmp: 0.1, seasonPeak: 1, elasticity: 1.2, price: 3200, unit: 'unit',
    items: ['Shampoo 400 ml', 'Acondicionador 400 ml', 'Jabón de tocador x3', 'Pasta dental 90 g', 'Desodorante 150 ml', 'Toallitas femeninas x8', 'Pañales x30', 'Protector solar 200 ml'] },
  { code: 'golosinas', rate: 1.5, rateSpread: 1.0, weekdays: [1.05, 1.05, 1.05, 1.05, 1.1, 1.0, 0.7], payday: 0.1, aguinaldo: 0.1, holiday: 0.8, holidayEve: 1.05, seasonAmp: 0.05, seasonPeak: 7, elasticity: 0.9, price: 700, unit: 'unit',
    items: ['Alfajor triple', 'Alfajor simple', 'Caramelos masticables x10', 'Chicles x5', 'Chocolate 100 g', 'Turrón 25 g', 'Galletitas rellenas 118 g', 'Papas fritas 150 g', 'Maní salado 120 g'] },
  { code: 'fiambreria', rate: 0.7, rateSpread: 0.7, weekdays: [0.85, 0.85, 0.9, 0.95, 1.2, 1.45, 1.2], payday: 0.2, aguinaldo: 0.2, holiday: 1.3, holidayEve: 1.45, seasonAmp: 0.05, seasonPeak: 12, elasticity: 1.2, price: 14000, weight: 0.25, unit: 'kg',
    items: ['Jamón cocido', 'Queso de máquina', 'Salame', 'Mortadela', 'Queso cremoso', 'Paleta cocida'] },
  { code: 'verduleria', rate: 1.2, rateSpread: 0.7, weekdays: [1.0, 0.95, 0.95, 1.0, 1.1, 1.25, 0.8], payday: 0.1, aguinaldo: 0.05, holiday: 0.85, holidayEve: 1.2, seasonAmp: 0.08, seasonPeak: 1, elasticity: 0.8, price: 1600, weight: 1.0, unit: 'kg',
    items: ['Papa', 'Cebolla', 'Tomate', 'Zanahoria', 'Banana', 'Manzana', 'Naranja', 'Lechuga', 'Zapallo'] },
  { code: 'congelados', rate: 0.3, rateSpread: 0.8, weekdays: [0.9, 0.9, 0.95, 1.0, 1.15, 1.3, 1.0], payday: 0.2, aguinaldo: 0.15, holiday: 1.15, holidayEve: 1.2, seasonAmp: 0.35, seasonPeak: 1, elasticity: 1.3, price: 4500, unit: 'unit',
    items: ['Helado 1 kg', 'Hamburguesas x4', 'Medallones de pollo x4', 'Papas congeladas 700 g', 'Pizza congelada', 'Empanadas congeladas x12', 'Hielo 2 kg'] },
  { code: 'cigarrillos', rate: 3.0, rateSpread: 0.8, weekdays: [1.0, 1.0, 1.0, 1.0, 1.1, 1.15, 0.9], payday: 0.08, aguinaldo: 0.05, holiday: 1.0, holidayEve: 1.1, seasonAmp: 0.0, seasonPeak: 1, elasticity: 0.3, price: 3000, unit: 'unit',
    items: ['Cigarrillos box 20', 'Cigarrillos común 20', 'Cigarrillos box 10', 'Encendedor'] },
];

const CATEGORY_BY_CODE = new Map(CATEGORIES.map((c) => [c.code, c]));
/** Share of the catalog per category, roughly a neighbourhood mini market's shelf. */
const CATEGORY_WEIGHTS: Record<string, number> = {
  almacen: 0.3, bebidas: 0.13, lacteos: 0.08, panaderia: 0.05, limpieza: 0.1, perfumeria: 0.09,
  golosinas: 0.1, fiambreria: 0.04, verduleria: 0.05, congelados: 0.04, cigarrillos: 0.02,
};

/** Category codes the simulator knows; others fall back to `almacen`'s profile. */
export const SIM_CATEGORIES: readonly string[] = CATEGORIES.map((c) => c.code);

const BRANDS = ['Del Sur', 'La Serena', 'Pampa', 'Don Justo', 'Río Claro', 'El Ceibo', 'Andina', 'La Quinta'];

/** A deterministic mini-market catalog of `count` products (SKUs `SIM-<CAT>-<nnnn>`). */
export function simulateCatalog(options: { count: number; seed: number }): SimProductSpec[] {
  const rng = createRng(options.seed ^ 0x5eed);
  const codes = Object.keys(CATEGORY_WEIGHTS);
  const total = codes.reduce((s, c) => s + CATEGORY_WEIGHTS[c]!, 0);
  const products: SimProductSpec[] = [];
  for (let i = 0; i < options.count; i++) {
    let r = rng.next() * total;
    let code = codes[0]!;
    for (const c of codes) {
      r -= CATEGORY_WEIGHTS[c]!;
      if (r <= 0) {
        code = c;
        break;
      }
    }
    const profile = CATEGORY_BY_CODE.get(code)!;
    const item = profile.items[rng.int(profile.items.length)]!;
    const brand = BRANDS[rng.int(BRANDS.length)]!;
    const price = Math.round(profile.price * Math.exp(0.35 * rng.normal())) * 100;
    products.push({
      key: `SIM-${code.slice(0, 3).toUpperCase()}-${String(i + 1).padStart(4, '0')}`,
      name: `${item} ${brand}`,
      category: code,
      unit: profile.unit,
      basePriceCentavos: price,
    });
  }
  return products;
}

/** Multiplier for the Christmas / New Year weeks, strongest for drinks and cold cuts. */
function yearEndEffect(month: number, dom: number, category: string): number {
  if (month === 12 && dom === 25) return 0.55;
  if (month === 1 && dom === 1) return 0.5;
  const eve = (month === 12 && ((dom >= 22 && dom <= 24) || dom >= 29));
  if (!eve) return 1;
  if (category === 'bebidas') return 1.8;
  if (category === 'fiambreria') return 1.6;
  if (category === 'golosinas' || category === 'almacen' || category === 'congelados') return 1.2;
  return 1.05;
}

function simulateOne(
  product: SimProductSpec,
  startDay: number,
  days: number,
  rng: Rng,
  level: (day: number) => number,
  traffic: Float64Array,
): SimSeries {
  const profile = CATEGORY_BY_CODE.get(product.category) ?? CATEGORY_BY_CODE.get('almacen')!;
  const quantity = new Float64Array(days);
  const priceCentavos = new Float64Array(days);
  const expected = new Float64Array(days);

  // Product traits: most items sell a few units a day or less; a few are top sellers.
  const baseRate = profile.rate * Math.exp(profile.rateSpread * rng.normal() - 0.35);
  const weekdays = profile.weekdays.map((w) => w * Math.exp(0.05 * rng.normal()));
  const payday = profile.payday * (0.6 + 0.8 * rng.next());
  const elasticity = profile.elasticity * (0.6 + 0.8 * rng.next());
  const multiBuy = product.unit === 'kg' ? 0 : 0.1 + 0.3 * rng.next();
  const weight = (profile.weight ?? 1) * Math.exp(0.2 * rng.normal());
  const repriceThreshold = 0.03 + 0.06 * rng.next();
  const dispersion = 6 + 10 * rng.next();
  const launchDay = rng.next() < 0.06 ? Math.floor(days * (0.2 + 0.5 * rng.next())) : 0;

  const startLevel = level(startDay);
  const realRef = (product.basePriceCentavos ?? profile.price * 100) / startLevel;
  let price = (product.basePriceCentavos ?? profile.price * 100);
  let lastRepriceLevel = startLevel;
  let promoDaysLeft = 0;
  let stockoutDaysLeft = 0;
  let drift = 0;

  for (let i = 0; i < days; i++) {
    const day = startDay + i;
    const { month, dayOfMonth } = civil(day);
    const idx = level(day);

    // Repricing follows inflation in steps: the real price saws down between repricings.
    if (idx / lastRepriceLevel - 1 >= repriceThreshold && rng.next() < 0.35) {
      price = Math.max(100, Math.round((realRef * idx * Math.exp(0.03 * rng.normal())) / 100) * 100);
      lastRepriceLevel = idx;
    }
    if (promoDaysLeft === 0 && rng.next() < 0.002) promoDaysLeft = 7;
    const shelfPrice = promoDaysLeft > 0 ? Math.round((price * 0.8) / 100) * 100 : price;
    if (promoDaysLeft > 0) promoDaysLeft--;
    priceCentavos[i] = shelfPrice;

    drift = 0.985 * drift + 0.025 * rng.normal();
    if (stockoutDaysLeft === 0 && rng.next() < 0.003) stockoutDaysLeft = 1 + rng.int(5);
    if (i < launchDay || stockoutDaysLeft > 0) {
      if (stockoutDaysLeft > 0) stockoutDaysLeft--;
      quantity[i] = 0;
      continue;
    }

    let mult = weekdays[weekday(day)]!;
    if (dayOfMonth <= 5) mult *= 1 + payday * (1 - (dayOfMonth - 1) / 6);
    else if (dayOfMonth >= 22) mult *= 1 - 0.35 * payday;
    if ((month === 6 || month === 12) && dayOfMonth >= 18) mult *= 1 + profile.aguinaldo;
    const kind = holidayKind(day);
    if (kind === 'holiday') mult *= profile.holiday;
    else if (kind === 'non_working') mult *= (1 + profile.holiday) / 2;
    const nextKind = holidayKind(day + 1);
    if (nextKind && kind === undefined) mult *= profile.holidayEve;
    mult *= yearEndEffect(month, dayOfMonth, profile.code);
    mult *= 1 + profile.seasonAmp * Math.cos((2 * Math.PI * (month - profile.seasonPeak)) / 12);
    const realPrice = shelfPrice / idx;
    mult *= Math.pow(realPrice / realRef, -elasticity);

    const mean = baseRate * Math.exp(drift) * mult * traffic[i]!;
    expected[i] = product.unit === 'kg' ? mean * weight * Math.exp(0.35 * 0.35 / 2) : mean;
    const purchases = rng.poisson((mean / (1 + multiBuy)) * (rng.gamma(dispersion) / dispersion));
    let q = 0;
    if (product.unit === 'kg') {
      for (let p = 0; p < purchases; p++) q += Math.max(0.05, Math.round((weight * Math.exp(0.35 * rng.normal())) * 200) / 200);
      q = Math.round(q * 1000) / 1000;
    } else {
      for (let p = 0; p < purchases; p++) q += 1 + rng.poisson(multiBuy);
    }
    quantity[i] = q;
  }
  return { product, quantity, priceCentavos, expected };
}

/**
 * Simulates a daily sales history for a mini-market catalog: intermittent demand for most
 * items, weekday profile, month-start payday, aguinaldo (June, December), Argentine holidays
 * and their eves, year-end weeks, summer drinks, stock-outs, and shelf prices that follow the
 * CPI in steps (demand reacts to the real price). Deterministic for a given seed and SKU, so a
 * product keeps its history when the catalog around it changes.
 */
export function simulateSalesHistory(options: SimulateOptions): SimulatedHistory {
  const startDay = epochDay(options.start);
  const index = buildInflationIndex(options.inflation);
  // Store traffic (weather, neighbourhood events) moves every product on the same day.
  const trafficRng = createRng(hashSeed(`${options.seed}:traffic`));
  const traffic = Float64Array.from({ length: options.days }, () => Math.exp(0.08 * trafficRng.normal()));
  const series = options.products.map((product) =>
    simulateOne(product, startDay, options.days, createRng(hashSeed(`${options.seed}:${product.key}`)), (d) => index.level(d), traffic),
  );
  return { start: isoDay(startDay), days: options.days, series };
}
