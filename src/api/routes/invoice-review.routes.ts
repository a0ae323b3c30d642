import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../shared/errors.js';
import { countInvoicesByStatus, getInvoicePostingResult } from '../../shared/use-cases/invoice-posting.js';
import type { ApiDeps } from '../deps.js';
import { parseInput } from '../middleware/validate.js';
import { registerOperations } from '../openapi.js';

const idParam = z.uuid('an invoice id is a UUID');

/** What the review page needs besides the invoice itself: counts per status and what a posting did. */
export function invoiceReviewRouter({ db }: ApiDeps): Router {
  const router = Router();

  router.get('/counts', async (_req, res) => {
    res.json({ byStatus: await countInvoicesByStatus(db) });
  });

  router.get('/:id/posting', async (req, res) => {
    const id = parseInput(idParam, req.params.id, 'invoice id');
    const result = await getInvoicePostingResult(db, id);
    if (!result) throw new NotFoundError('invoice', id);
    res.json(result);
  });

  return router;
}

registerOperations('/v1/invoices/counts', { get: { summary: 'How many invoices are in each status', responses: { 200: '{byStatus: {needs_review: 3, …}}' } } });
registerOperations('/v1/invoices/{id}/posting', {
  get: {
    summary: 'What posting did: receipts (with balance after), replacement cost changes, cost alerts, and the repricing run with its label batch. Empty lists before posting',
    responses: { 200: '{status, receipts, costChanges, alerts, repricing}', 404: 'not_found' },
  },
});
