import type { NextFunction, Request, Response, Router } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { enqueueExtraction, enqueuePosting } from '../../producers/invoice-ingest.producer.js';
import { cuitDigits, isValidCuit } from '../../shared/domain/invoice/cuit.js';
import { AppError, NotFoundError, ValidationError } from '../../shared/errors.js';
import type { InvoiceStatus } from '../../shared/db/database.js';
import { getInvoiceFile, getInvoiceView, listInvoices, type InvoiceMime } from '../../shared/db/repositories/invoices.repository.js';
import { approveInvoicePrices, correctInvoiceLines, postInvoiceNow, receiveInvoice } from '../../shared/use-cases/invoices.js';
import type { ApiDeps } from '../deps.js';
import { auditHookOf } from '../audit-actor.js';
import { parseInput } from '../middleware/validate.js';
import { ApiRouter, decimalString, timestamp } from '../openapi.js';
import { dataKeysOf } from '../../shared/data-keys.js';

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
  fields: z.partialRecord(z.enum(['issuerCuit', 'type', 'letter', 'pointOfSale', 'number', 'issueDate', 'total', 'cae', 'caeDueDate']), z.union([z.string(), z.number()])).optional(),
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
        currentCost: decimalString.nullable().meta({ description: "the matched product's replacement cost now" }),
        newCost: decimalString.nullable().meta({ description: 'the unit cost posting this line records (amount / (quantity × pack units))' }),
        outsideBand: z.boolean().meta({ description: 'the new cost moves more than INVOICE_COST_BAND_PCT (or is a first cost): needs a price role or its approval' }),
      }),
    ),
    priceApproval: z.strictObject({ bandPct: z.number(), approvedAt: timestamp.nullable(), approvedBy: z.string().nullable() }),
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
    supplierName: z.string().nullable(),
    issueDate: z.string().nullable(),
    duplicateOf: z.string().nullable(),
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
  const queue = { isReady: () => producer.isReady(), enqueueExtraction: (id: string) => enqueueExtraction(producer, id), enqueuePosting: (id: string) => enqueuePosting(producer, id) };
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
    const recorded = await receiveInvoice(db, dataKeysOf(config), queue, { bytes: file.buffer, mimeType, supplierCuit: fields.supplierCuit ?? null, location: fields.location ?? null });
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
    const view = await getInvoiceView(db, id, { minMatchScore: config.INVOICE_MATCH_MIN_SCORE, costBandPct: config.INVOICE_COST_BAND_PCT });
    if (!view) throw new NotFoundError('invoice', id);
    res.json(view);
  });

  // Supplier files carry costs and supplier data: only the roles that handle invoices read them.
  api.route('get', '/:id/file', {
    summary: 'The uploaded file, decrypted (stored encrypted at rest). 409 file_integrity_failed: the stored bytes were altered; 503 data_key_missing: its data key is not configured',
    roles: ['deposito', 'negocio'],
    params: idParams,
    responses: { 200: { description: 'the file', schema: z.string().meta({ format: 'binary' }), contentType: 'application/pdf', alternatives: { 'image/jpeg': z.string().meta({ format: 'binary' }), 'image/png': z.string().meta({ format: 'binary' }), 'image/webp': z.string().meta({ format: 'binary' }) } } },
    errors: [404, 409, 503],
  }, async (_req, res, { params }) => {
    const { id } = params;
    const file = await getInvoiceFile(db, dataKeysOf(config), id);
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
    res.json(await correctInvoiceLines(db, id, patch, { role: req.principal!.role, costBandPct: config.INVOICE_COST_BAND_PCT }, saveOpts, auditHookOf(req)));
  });

  api.route('post', '/:id/approve-prices', {
    summary: 'Approve the cost changes of an invoice (past INVOICE_COST_BAND_PCT) so a stock role may post it',
    roles: ['negocio'],
    params: idParams,
    responses: { 200: invoiceSchema },
    errors: [404, 409],
  }, async (req, res, { params }) => {
    res.json(await approveInvoicePrices(db, params.id, req.principal!.name, { minMatchScore: config.INVOICE_MATCH_MIN_SCORE, costBandPct: config.INVOICE_COST_BAND_PCT }, auditHookOf(req)));
  });

  api.route('post', '/:id/post', {
    summary: 'Post a fully matched invoice: receipts, replacement costs, repricing. Receiving stock needs a stock role; costs past INVOICE_COST_BAND_PCT a price role or its approval',
    roles: ['deposito'],
    params: idParams,
    responses: { 202: { description: 'posting', schema: invoiceStateSchema }, 200: { description: 'already posted', schema: invoiceStateSchema } },
    errors: [404, 409, 503],
  }, async (req, res, { params }) => {
    const { id } = params;
    const posting = await postInvoiceNow(db, queue, id, { role: req.principal!.role, name: req.principal!.name, costBandPct: config.INVOICE_COST_BAND_PCT }, auditHookOf(req));
    res.status(posting.status === 'posted' ? 200 : 202).json(posting);
  });

  return api.router;
}
