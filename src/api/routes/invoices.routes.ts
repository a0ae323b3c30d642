import type { NextFunction, Request, Response, Router } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { enqueueExtraction, enqueuePosting } from '../../producers/invoice-ingest.producer.js';
import { cuitDigits, isValidCuit } from '../../shared/domain/invoice/cuit.js';
import { AppError, ConflictError, NotFoundError, ServiceUnavailableError, UnprocessableError, ValidationError } from '../../shared/errors.js';
import type { InvoiceStatus } from '../../shared/db/database.js';
import {
  correctInvoice,
  getInvoiceFile,
  getInvoiceView,
  listInvoices,
  recordUpload,
  requestPosting,
  type InvoiceMime,
} from '../../shared/db/repositories/invoices.repository.js';
import { logger } from '../../shared/logging.js';
import { withTransaction } from '../../shared/db/transaction.js';
import type { ApiDeps } from '../deps.js';
import { findLocationId } from '../../shared/db/repositories/catalog.repository.js';
import { approvePrices, assertMayCorrect, assertMayPost, clearPriceApproval, priceChangesOf } from '../../shared/use-cases/invoice-approvals.js';
import { recordAudit } from '../../shared/db/repositories/audit.repository.js';
import { auditActorOf } from '../audit-actor.js';
import { parseInput } from '../middleware/validate.js';
import { ApiRouter, decimalString, timestamp } from '../openapi.js';

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

const statusSchema = z.enum(STATUSES);
const idParams = z.strictObject({ id: idParam });
const invoiceSchema = z
  .strictObject({
    id: z.uuid(),
    status: statusSchema,
    reason: z.string().nullable(),
    duplicateOf: z.uuid().nullable(),
    fields: z.record(z.string(), z.unknown()).meta({ description: 'extracted fields, each with its value, source and confidence' }),
    lines: z.array(
      z.strictObject({
        lineNo: z.int(),
        code: z.string().nullable(),
        barcode: z.string().nullable(),
        description: z.string(),
        quantity: decimalString,
        unit: z.string(),
        unitPrice: decimalString,
        ivaRate: z.string().nullable(),
        amount: decimalString,
        confidence: z.number(),
        packUnits: z.int(),
        match: z.strictObject({ sku: z.string(), score: z.number(), by: z.enum(['barcode', 'supplier_code', 'alias', 'fuzzy', 'manual']) }).nullable(),
        flagged: z.boolean(),
      }),
    ),
    confidence: z.number().nullable(),
    extraction: z.unknown().meta({ description: 'how the fields were read (sources, timings)' }),
    file: z.string(),
    createdAt: timestamp,
    postedAt: timestamp.nullable(),
  })
  .meta({ id: 'Invoice' });
const invoiceSummarySchema = z
  .strictObject({
    id: z.uuid(),
    status: statusSchema,
    reason: z.string().nullable(),
    issuerCuit: z.string().nullable(),
    type: z.string().nullable(),
    pointOfSale: z.int().nullable(),
    number: z.int().nullable(),
    total: decimalString.nullable(),
    confidence: z.number().nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'InvoiceSummary' });
const invoiceStateSchema = z.strictObject({ id: z.uuid(), status: statusSchema });

export function invoicesRouter({ db, producer, config }: ApiDeps): Router {
  const api = new ApiRouter('/v1/invoices');
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

  api.route('post', '/', {
    summary: 'Upload a supplier invoice (PDF, JPEG, PNG or WebP). Same bytes → same invoice',
    roles: ['deposito', 'negocio'],
    use: [receiveFile],
    rawBody: {
      contentType: 'multipart/form-data',
      schema: z.object({ file: z.string().meta({ format: 'binary' }), supplierCuit: z.string().optional(), location: z.string().optional() }),
    },
    responses: {
      202: { description: 'recorded and queued for extraction', schema: invoiceStateSchema, headers: { Location: 'the invoice' } },
      200: { description: 'the invoice already recorded for these bytes', schema: invoiceStateSchema, headers: { Location: 'the invoice' } },
    },
    errors: [413, 415, 422, 503],
  }, async (req, res) => {
    const file = req.file;
    if (!file) throw new ValidationError('send the invoice as multipart/form-data with the file in the field "file"');
    if (file.size === 0) throw new ValidationError('the file is empty');
    const mimeType = sniffInvoiceType(file.buffer);
    if (!mimeType) throw new AppError(415, 'unsupported_file_type', 'send a PDF, JPEG, PNG or WebP file');
    const fields = parseInput(uploadFields, req.body ?? {}, 'form fields');
    let locationId: number | null = null;
    if (fields.location) {
      locationId = (await findLocationId(db, fields.location)) ?? null;
      if (locationId === null) throw new UnprocessableError('unknown_location', `no location with code ${fields.location}`);
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

  api.route('get', '/', {
    summary: 'List invoices, newest first',
    query: listQuery,
    responses: { 200: z.strictObject({ items: z.array(invoiceSummarySchema), next: z.uuid().nullable().meta({ description: 'pass as before= for the next page' }) }) },
  }, async (_req, res, { query: q }) => {
    res.json(await listInvoices(db, { status: q.status as InvoiceStatus | undefined, limit: q.limit, before: q.before }));
  });

  api.route('get', '/:id', {
    summary: 'An invoice: fields with source and confidence, lines with match and score, link to the file',
    params: idParams,
    responses: { 200: invoiceSchema },
    errors: [404],
  }, async (_req, res, { params }) => {
    const { id } = params;
    const view = await getInvoiceView(db, id, config.INVOICE_MATCH_MIN_SCORE);
    if (!view) throw new NotFoundError('invoice', id);
    res.json(view);
  });

  // Supplier files carry costs and supplier data: only the roles that handle invoices read them.
  api.route('get', '/:id/file', {
    summary: 'The uploaded file as stored',
    roles: ['deposito', 'negocio'],
    params: idParams,
    responses: { 200: { description: 'the file', schema: z.string().meta({ format: 'binary' }), contentType: 'application/pdf', alternatives: { 'image/jpeg': z.string().meta({ format: 'binary' }), 'image/png': z.string().meta({ format: 'binary' }), 'image/webp': z.string().meta({ format: 'binary' }) } } },
    errors: [404],
  }, async (_req, res, { params }) => {
    const { id } = params;
    const file = await getInvoiceFile(db, id);
    if (!file) throw new NotFoundError('invoice', id);
    res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
    res.setHeader('ETag', `"${file.content_key}"`);
    res.type(file.mime_type).send(file.content);
  });

  api.route('patch', '/:id', {
    summary: 'Correct lines (a hand-made match is learned as the supplier alias) and fields. A cost moved past INVOICE_COST_BAND_PCT needs a price role',
    roles: ['deposito', 'negocio'],
    params: idParams,
    body: patchSchema,
    responses: { 200: invoiceSchema },
    errors: [404, 409, 422],
  }, async (req, res, { params, body: patch }) => {
    const { id } = params;
    const touched = (patch.lines ?? []).filter((l) => l.unitPrice !== undefined || l.quantity !== undefined || l.packUnits !== undefined || l.sku !== undefined).map((l) => l.lineNo);
    const lineColumns = ['line_no', 'product_id', 'quantity', 'unit_price_cents', 'amount_cents', 'pack_units'] as const;
    const result = await withTransaction(db, async (trx) => {
      const before = await trx.selectFrom('invoice_lines').select(lineColumns).where('invoice_id', '=', id).orderBy('line_no').execute();
      const r = await correctInvoice(trx, id, patch, saveOpts);
      if (r !== 'ok') return r;
      const after = await trx.selectFrom('invoice_lines').select(lineColumns).where('invoice_id', '=', id).orderBy('line_no').execute();
      await recordAudit(trx, auditActorOf(req), { action: 'invoice.corrected', entityType: 'invoice', entityId: id, before: { lines: before }, after: { lines: after, fields: patch.fields ?? null } });
      // A deposito may fix matches and counts, not move costs (and so prices) past the band.
      await assertMayCorrect(trx, id, req.principal!.role, config.INVOICE_COST_BAND_PCT, touched);
      if (touched.length) await clearPriceApproval(trx, id);
      return r;
    });
    if (result === 'not_found') throw new NotFoundError('invoice', id);
    if (result === 'not_editable') throw new ConflictError('invoice_not_editable', 'only invoices in needs_review or ready can be corrected');
    if (typeof result === 'object' && 'unknownSku' in result) throw new UnprocessableError('unknown_sku', `no product with SKU ${result.unknownSku}`);
    if (typeof result === 'object' && 'unknownLine' in result) throw new UnprocessableError('unknown_line', `the invoice has no line ${result.unknownLine}`);
    res.json(await getInvoiceView(db, id, config.INVOICE_MATCH_MIN_SCORE));
  });

  api.route('post', '/:id/approve-prices', {
    summary: 'Approve the cost changes of an invoice (past INVOICE_COST_BAND_PCT) so a stock role may post it',
    roles: ['negocio'],
    params: idParams,
    responses: { 200: invoiceSchema },
    errors: [404, 409],
  }, async (req, res, { params }) => {
    const { id } = params;
    const approval = await withTransaction(db, async (trx) => {
      const a = await approvePrices(trx, id, req.principal!.name);
      if (a.kind === 'ok') await recordAudit(trx, auditActorOf(req), { action: 'invoice.prices_approved', entityType: 'invoice', entityId: id, after: { priceChanges: await priceChangesOf(trx, id, config.INVOICE_COST_BAND_PCT) } });
      return a;
    });
    if (approval.kind === 'not_found') throw new NotFoundError('invoice', id);
    if (approval.kind === 'not_editable') throw new ConflictError('invoice_not_editable', `only invoices in needs_review or ready can be approved (status ${approval.status})`);
    res.json(await getInvoiceView(db, id, config.INVOICE_MATCH_MIN_SCORE));
  });

  api.route('post', '/:id/post', {
    summary: 'Post a fully matched invoice: receipts, replacement costs, repricing. Receiving stock needs a stock role; costs past INVOICE_COST_BAND_PCT a price role or its approval',
    roles: ['deposito'],
    params: idParams,
    responses: { 202: { description: 'posting', schema: invoiceStateSchema }, 200: { description: 'already posted', schema: invoiceStateSchema } },
    errors: [404, 409, 503],
  }, async (req, res, { params }) => {
    const { id } = params;
    await assertMayPost(db, id, req.principal!.role, config.INVOICE_COST_BAND_PCT);
    if (!producer.isReady()) throw new ServiceUnavailableError('the job queue is unreachable right now; retry');
    const request = await withTransaction(db, async (trx) => {
      const r = await requestPosting(trx, id);
      if (r.kind === 'posting') await recordAudit(trx, auditActorOf(req), { action: 'invoice.posted', entityType: 'invoice', entityId: id, after: { status: 'posting', postedBy: req.principal!.name, priceChanges: await priceChangesOf(trx, id, config.INVOICE_COST_BAND_PCT) } });
      return r;
    });
    if (request.kind === 'not_found') throw new NotFoundError('invoice', id);
    if (request.kind === 'already') return void res.status(request.status === 'posted' ? 200 : 202).json({ id, status: request.status });
    if (request.kind === 'not_ready') {
      throw new ConflictError('invoice_not_ready', `an invoice is posted from needs_review or ready with every line matched to a product (status ${request.status}, ${request.unmatched} unmatched lines); correct it with PATCH first`);
    }
    // The explicit command of a reviewer: every line has a product, so it goes out as is.
    await enqueuePosting(producer, id);
    res.status(202).json({ id, status: 'posting' });
  });

  return api.router;
}
