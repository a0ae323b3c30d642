import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { enqueueExtraction, enqueuePosting } from '../../producers/invoice-ingest.producer.js';
import { cuitDigits, isValidCuit } from '../../shared/domain/invoice/cuit.js';
import { AppError, ConflictError, NotFoundError, ServiceUnavailableError, UnprocessableError, ValidationError } from '../../shared/errors.js';
import type { InvoiceStatus } from '../../shared/db/invoices.tables.js';
import {
  correctInvoice,
  getInvoiceFile,
  getInvoiceView,
  listInvoices,
  recordUpload,
  type InvoiceMime,
} from '../../shared/db/repositories/invoices.repository.js';
import { logger } from '../../shared/logging.js';
import type { ApiDeps } from '../deps.js';
import { requireRole } from '../middleware/auth.js';
import { approvePrices, assertMayCorrect, assertMayPost, priceChangesOf } from '../../shared/use-cases/invoice-approvals.js';
import { recordAudit } from '../../shared/db/repositories/audit.repository.js';
import { auditActorOf } from '../audit-actor.js';
import { parseInput } from '../middleware/validate.js';
import { registerOperations } from '../openapi.js';

const log = logger.child({ component: 'invoices-api' });

const STATUSES = ['queued', 'extracting', 'needs_review', 'ready', 'posting', 'posted', 'failed', 'rejected'] as const;

/** The file's real type from its first bytes; the declared Content-Type is not trusted. */
export function sniffInvoiceType(bytes: Buffer): InvoiceMime | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

const uploadFields = z.strictObject({
  supplierCuit: z
    .string()
    .trim()
    .refine((v) => isValidCuit(v), 'not a valid CUIT (11 digits with a correct check digit)')
    .transform((v) => cuitDigits(v)!)
    .optional(),
  location: z.string().trim().toUpperCase().optional(),
});

const idParam = z.uuid('an invoice id is a UUID');

const patchSchema = z.strictObject({
  lines: z
    .array(
      z.strictObject({
        lineNo: z.number().int().min(1),
        sku: z.string().trim().min(1).optional(),
        packUnits: z.number().int().min(1).max(1000).optional(),
        quantity: z.string().regex(/^\d{1,9}(\.\d{1,3})?$/, 'a decimal with up to 9 digits and 3 places').optional(),
        unitPrice: z.string().regex(/^\d{1,11}(\.\d{1,2})?$/, 'an amount up to 100,000,000,000 with up to 2 places').optional(),
      }),
    )
    .max(500)
    .optional(),
  fields: z.record(z.enum(['issuerCuit', 'type', 'letter', 'pointOfSale', 'number', 'issueDate', 'total', 'cae', 'caeDueDate']), z.union([z.string(), z.number()])).optional(),
});

const listQuery = z.strictObject({
  status: z.enum(STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.uuid().optional(),
});

registerOperations('/v1/invoices', {
  post: {
    summary: 'Upload a supplier invoice (multipart field "file": PDF, JPEG, PNG or WebP; optional supplierCuit, location). Same bytes → same invoice',
    role: 'deposito',
    responses: { 202: '{id, status: queued}', 200: 'the invoice already recorded for these bytes', 400: 'no file, empty file or bad field', 413: 'file_too_large', 415: 'unsupported_file_type', 503: 'queue unreachable' },
  },
  get: { summary: 'List invoices, newest first', query: ['status', 'limit', 'before'], responses: { 200: '{items, next}' } },
});
registerOperations('/v1/invoices/{id}', {
  get: { summary: 'An invoice: fields with source and confidence, lines with match and score, link to the file', responses: { 200: 'invoice', 404: 'not_found' } },
  patch: { summary: 'Correct lines (a hand-made match is learned as the supplier alias) and fields', role: 'deposito', body: patchSchema, responses: { 200: 'invoice', 409: 'invoice_not_editable', 422: 'unknown_sku or unknown_line' } },
});
registerOperations('/v1/invoices/{id}/file', { get: { summary: 'The uploaded file as stored', responses: { 200: 'the file', 404: 'not_found' } } });
registerOperations('/v1/invoices/{id}/approve-prices', {
  post: { summary: 'Approve the cost changes of an invoice (past INVOICE_COST_BAND_PCT) so a stock role may post it', role: 'negocio', responses: { 200: 'invoice', 404: 'not_found', 409: 'invoice_not_editable' } },
});
registerOperations('/v1/invoices/{id}/post', {
  post: { summary: 'Post a fully matched invoice: receipts, replacement costs, repricing', role: 'deposito', responses: { 202: 'posting', 200: 'already posted', 409: 'invoice_not_ready' } },
});

export function invoicesRouter({ db, producer, config }: ApiDeps): Router {
  const router = Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: config.INVOICE_MAX_UPLOAD_BYTES, files: 1, fields: 10 } });
  const saveOpts = { autoPostConfidence: config.INVOICE_AUTO_POST_CONFIDENCE, minMatchScore: config.INVOICE_MATCH_MIN_SCORE };

  const receiveFile = (req: Request, res: Response, next: NextFunction) => {
    upload.single('file')(req, res, (err: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') return next(new AppError(413, 'file_too_large', `the file is larger than ${config.INVOICE_MAX_UPLOAD_BYTES} bytes`));
        return next(new ValidationError(`the upload is invalid: ${err.message} (send one file in the multipart field "file")`));
      }
      next(err);
    });
  };

  router.post('/', requireRole('deposito', 'negocio'), receiveFile, async (req, res) => {
    const file = req.file;
    if (!file) throw new ValidationError('send the invoice as multipart/form-data with the file in the field "file"');
    if (file.size === 0) throw new ValidationError('the file is empty');
    const mimeType = sniffInvoiceType(file.buffer);
    if (!mimeType) throw new AppError(415, 'unsupported_file_type', 'send a PDF, JPEG, PNG or WebP file');
    const fields = parseInput(uploadFields, req.body ?? {}, 'form fields');
    let locationId: number | null = null;
    if (fields.location) {
      const loc = await db.selectFrom('locations').select('id').where('code', '=', fields.location).executeTakeFirst();
      if (!loc) throw new UnprocessableError('unknown_location', `no location with code ${fields.location}`);
      locationId = loc.id;
    }
    // Fail before storing anything: the client retries the same file, which maps to the same invoice.
    if (!producer.isReady()) throw new ServiceUnavailableError('the job queue is unreachable right now; send the file again later');
    const recorded = await recordUpload(db, { bytes: file.buffer, mimeType, supplierCuit: fields.supplierCuit ?? null, locationId });
    if (recorded.status === 'queued') {
      await enqueueExtraction(producer, recorded.id).catch((err) => log.warn('enqueue failed after intake; the reconciler will deliver it', { invoiceId: recorded.id, err }));
    }
    res
      .status(recorded.created ? 202 : 200)
      .location(`/v1/invoices/${recorded.id}`)
      .json({ id: recorded.id, status: recorded.status });
  });

  router.get('/', async (req, res) => {
    const q = parseInput(listQuery, req.query, 'query');
    res.json(await listInvoices(db, { status: q.status as InvoiceStatus | undefined, limit: q.limit, before: q.before }));
  });

  router.get('/:id', async (req, res) => {
    const id = parseInput(idParam, req.params.id, 'invoice id');
    const view = await getInvoiceView(db, id, config.INVOICE_MATCH_MIN_SCORE);
    if (!view) throw new NotFoundError('invoice', id);
    res.json(view);
  });

  // Supplier files carry costs and supplier data: only the roles that handle invoices read them.
  router.get('/:id/file', requireRole('deposito', 'negocio'), async (req, res) => {
    const id = parseInput(idParam, req.params.id, 'invoice id');
    const file = await getInvoiceFile(db, id);
    if (!file) throw new NotFoundError('invoice', id);
    res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
    res.setHeader('ETag', `"${file.content_key}"`);
    res.type(file.mime_type).send(file.content);
  });

  router.patch('/:id', requireRole('deposito', 'negocio'), async (req, res) => {
    const id = parseInput(idParam, req.params.id, 'invoice id');
    const patch = parseInput(patchSchema, req.body);
    const touched = (patch.lines ?? []).filter((l) => l.unitPrice !== undefined || l.quantity !== undefined || l.packUnits !== undefined || l.sku !== undefined).map((l) => l.lineNo);
    const lineColumns = ['line_no', 'product_id', 'quantity', 'unit_price_cents', 'amount_cents', 'pack_units'] as const;
    const result = await db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('invoice_lines').select(lineColumns).where('invoice_id', '=', id).orderBy('line_no').execute();
      const r = await correctInvoice(trx, id, patch, saveOpts);
      if (r !== 'ok') return r;
      const after = await trx.selectFrom('invoice_lines').select(lineColumns).where('invoice_id', '=', id).orderBy('line_no').execute();
      await recordAudit(trx, auditActorOf(req), { action: 'invoice.corrected', entityType: 'invoice', entityId: id, before: { lines: before }, after: { lines: after, fields: patch.fields ?? null } });
      // A deposito may fix matches and counts, not move costs (and so prices) past the band.
      await assertMayCorrect(trx, id, req.principal!.role, config.INVOICE_COST_BAND_PCT, touched);
      if (touched.length) await trx.updateTable('invoices').set({ prices_approved_by: null, prices_approved_at: null }).where('id', '=', id).execute();
      return r;
    });
    if (result === 'not_found') throw new NotFoundError('invoice', id);
    if (result === 'not_editable') throw new ConflictError('invoice_not_editable', 'only invoices in needs_review or ready can be corrected');
    if (typeof result === 'object' && 'unknownSku' in result) throw new UnprocessableError('unknown_sku', `no product with SKU ${result.unknownSku}`);
    if (typeof result === 'object' && 'unknownLine' in result) throw new UnprocessableError('unknown_line', `the invoice has no line ${result.unknownLine}`);
    res.json(await getInvoiceView(db, id, config.INVOICE_MATCH_MIN_SCORE));
  });

  router.post('/:id/approve-prices', requireRole('negocio'), async (req, res) => {
    const id = parseInput(idParam, req.params.id, 'invoice id');
    const approved = await db.transaction().execute(async (trx) => {
      if (!(await approvePrices(trx, id, req.principal!.name))) return false;
      const changes = await priceChangesOf(trx, id, config.INVOICE_COST_BAND_PCT);
      await recordAudit(trx, auditActorOf(req), { action: 'invoice.prices_approved', entityType: 'invoice', entityId: id, after: { priceChanges: changes } });
      return true;
    });
    if (!approved) {
      const exists = await db.selectFrom('invoices').select('status').where('id', '=', id).executeTakeFirst();
      if (!exists) throw new NotFoundError('invoice', id);
      throw new ConflictError('invoice_not_editable', `only invoices in needs_review or ready can be approved (status ${exists.status})`);
    }
    res.json(await getInvoiceView(db, id, config.INVOICE_MATCH_MIN_SCORE));
  });

  router.post('/:id/post', requireRole('deposito'), async (req, res) => {
    const id = parseInput(idParam, req.params.id, 'invoice id');
    await assertMayPost(db, id, req.principal!.role, config.INVOICE_COST_BAND_PCT);
    if (!producer.isReady()) throw new ServiceUnavailableError('the job queue is unreachable right now; retry');
    const inv = await db.selectFrom('invoices').select('status').where('id', '=', id).executeTakeFirst();
    if (!inv) throw new NotFoundError('invoice', id);
    if (inv.status === 'posted' || inv.status === 'posting') return void res.status(inv.status === 'posted' ? 200 : 202).json({ id, status: inv.status });
    const unmatched = await db.selectFrom('invoice_lines').select(db.fn.countAll<number>().as('n')).where('invoice_id', '=', id).where('product_id', 'is', null).executeTakeFirstOrThrow();
    const lines = await db.selectFrom('invoice_lines').select(db.fn.countAll<number>().as('n')).where('invoice_id', '=', id).executeTakeFirstOrThrow();
    if ((inv.status !== 'ready' && inv.status !== 'needs_review') || Number(unmatched.n) > 0 || Number(lines.n) === 0) {
      throw new ConflictError('invoice_not_ready', `an invoice is posted from needs_review or ready with every line matched to a product (status ${inv.status}, ${unmatched.n} unmatched lines); correct it with PATCH first`);
    }
    // The explicit command of a reviewer: every line has a product, so it goes out as is.
    await db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('invoices').set({ status: 'posting', updated_at: new Date() }).where('id', '=', id).where('status', 'in', ['ready', 'needs_review']).executeTakeFirst();
      if (Number(r.numUpdatedRows)) await recordAudit(trx, auditActorOf(req), { action: 'invoice.posted', entityType: 'invoice', entityId: id, before: { status: inv.status }, after: { status: 'posting', priceChanges: await priceChangesOf(trx, id, config.INVOICE_COST_BAND_PCT) } });
    });
    await enqueuePosting(producer, id);
    res.status(202).json({ id, status: 'posting' });
  });

  return router;
}
