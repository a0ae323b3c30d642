import type { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../shared/errors.js';
import { countInvoicesByStatus, getInvoicePostingResult } from '../../shared/use-cases/invoice-posting.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, decimalString, timestamp } from '../openapi.js';

const statuses = z.enum(['queued', 'extracting', 'needs_review', 'ready', 'posting', 'posted', 'failed', 'rejected']);
const money = decimalString;

const postingSchema = z
  .strictObject({
    id: z.string(),
    status: statuses,
    postedAt: timestamp.nullable(),
    duplicateOf: z.string().nullable(),
    receipts: z.array(
      z.strictObject({
        lineNo: z.int(),
        movementId: z.string(),
        sku: z.string(),
        name: z.string(),
        unit: z.enum(['unit', 'kg', 'l']),
        location: z.string(),
        quantity: decimalString,
        unitCost: money.nullable(),
        status: z.enum(['queued', 'applied', 'rejected']),
        rejectionReason: z.string().nullable(),
        balanceAfter: decimalString.nullable(),
      }),
    ),
    costChanges: z.array(z.strictObject({ sku: z.string(), name: z.string(), previousCost: money.nullable(), newCost: money, changePct: decimalString.nullable(), recordedAt: timestamp })),
    alerts: z.array(
      z.strictObject({
        id: z.int(),
        sku: z.string(),
        name: z.string(),
        previousCost: money.nullable(),
        newCost: money,
        changePct: decimalString.nullable(),
        bandPct: z.int().nullable(),
        sellingAtLoss: z.boolean(),
        price: money.nullable(),
      }),
    ),
    repricing: z.strictObject({ runId: z.string(), status: z.string(), productsChanged: z.int(), labelBatchId: z.int().nullable(), href: z.string() }).nullable(),
  })
  .meta({ id: 'InvoicePostingResult' });

/** What the review page needs besides the invoice itself: counts per status and what a posting did. */
export function invoiceReviewRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/invoices');

  api.route('get', '/counts', {
    summary: 'How many invoices are in each status',
    responses: { 200: z.strictObject({ byStatus: z.record(z.string(), z.int()) }) },
  }, async (_req, res) => {
    res.json({ byStatus: await countInvoicesByStatus(db) });
  });

  api.route('get', '/:id/posting', {
    summary: 'What posting did: receipts (with balance after), replacement cost changes, cost alerts, and the repricing run with its label batch. Empty lists before posting',
    params: z.strictObject({ id: z.uuid('an invoice id is a UUID') }),
    responses: { 200: postingSchema },
    errors: [404],
  }, async (_req, res, { params }) => {
    const result = await getInvoicePostingResult(db, params.id);
    if (!result) throw new NotFoundError('invoice', params.id);
    res.json(result);
  });

  return api.router;
}
