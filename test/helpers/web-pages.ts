/** Small steps the web app's browser tests share (roles and labels, not CSS paths). */
import type { Page } from 'playwright-core';
import type { Database } from '../../src/shared/db/database.js';
import { newProduct } from './factories.js';

/** Chooses `option` in the Mantine Select labelled `label`. */
export async function pickOption(page: Page, label: string, option: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).first().click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Waits until the app has rendered (no loader) and the network is quiet. */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.getByText('Cargando…').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
}

let seq = 0;
/** A product with a barcode the scanner can type (EAN-13-like, unique per call). */
export async function scannableProduct(db: Database, { unit = 'unit' as 'unit' | 'kg', name }: { unit?: 'unit' | 'kg'; name: string }) {
  const barcode = `29${String(process.pid).padStart(6, '0').slice(-6)}${String(++seq).padStart(5, '0')}`;
  const p = await newProduct(db, { unit });
  await db.updateTable('products').set({ barcode, name }).where('id', '=', p.id).execute();
  return { ...p, barcode, name };
}

/** The product's balance at a location (0 when it has none). */
export async function balance(db: Database, productId: number, locationCode: string): Promise<string> {
  const row = await db
    .selectFrom('stock_levels as s')
    .innerJoin('locations as l', 'l.id', 's.location_id')
    .select('s.quantity')
    .where('s.product_id', '=', productId)
    .where('l.code', '=', locationCode)
    .executeTakeFirst();
  return row ? String(Number(row.quantity)) : '0';
}
