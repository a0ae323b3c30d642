/** Baseline server for bench:movements: a plain Express JSON endpoint, nothing else. */
import { randomUUID } from 'node:crypto';
import express from 'express';
import { getConfig } from '../src/shared/config.js';

const app = express();
app.use(express.json());
app.post('/v1/stock-movements', (req, res) => {
  res.status(202).json({ id: randomUUID(), status: 'queued', ...req.body });
});
app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});
app.listen(getConfig().PORT, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
