import type { Router } from 'express';
import { z } from 'zod';
import { ConflictError } from '../../shared/errors.js';
import { createLocation, listLocations } from '../../shared/db/repositories/catalog.repository.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, timestamp } from '../openapi.js';

export const createLocationSchema = z.strictObject({
  code: z.string().trim().toUpperCase().regex(/^[A-Z0-9_-]{1,32}$/, '1 to 32 letters, digits, "_" or "-"'),
  name: z.string().trim().min(1).max(120),
});

const locationSchema = z.strictObject({ code: z.string(), name: z.string(), createdAt: timestamp }).meta({ id: 'Location' });

export function locationsRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/locations');

  api.route('get', '/', { summary: 'List locations', responses: { 200: z.strictObject({ items: z.array(locationSchema) }) } }, async (_req, res) => {
    res.json({ items: await listLocations(db) });
  });

  api.route('post', '/', {
    summary: 'Create a location',
    roles: ['deposito'],
    body: createLocationSchema,
    responses: { 201: locationSchema },
    errors: [409],
  }, async (_req, res, { body: l }) => {
    const row = await createLocation(db, l);
    if (!row) throw new ConflictError('location_code_taken', `a location with code ${l.code} already exists`);
    res.status(201).location(`/v1/locations/${row.code}`).json(row);
  });

  return api.router;
}
