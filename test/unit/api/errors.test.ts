import type { AddressInfo } from 'node:net';
import test from 'ava';
import express from 'express';
import { errorHandler } from '../../../src/api/middleware/errors.js';
import { PermanentError } from '../../../src/shared/errors.js';

test('a PermanentError thrown in a request is a 422 problem with its code and message, not a 500', async (t) => {
  const app = express();
  app.get('/refused', () => {
    const err = new PermanentError('a replacement cost must be whole centavos ≥ 0, got -1', 'invalid_cost');
    (err as { cause?: unknown }).cause = new Error('the detail only the log should see');
    throw err;
  });
  app.use(errorHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/refused`);
    t.is(res.status, 422);
    t.regex(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const body = (await res.json()) as Record<string, unknown>;
    t.like(body, { status: 422, code: 'invalid_cost', detail: 'a replacement cost must be whole centavos ≥ 0, got -1' });
    t.false(JSON.stringify(body).includes('only the log'));
  } finally {
    server.close();
  }
});
