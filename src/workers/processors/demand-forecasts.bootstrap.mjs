// Entry of a demand-forecasts worker thread. On Node 20 a thread does not get the TypeScript
// loader from the process's `--import` (tsx's CLI and `node --import tsx` alike), so the thread
// registers it and then imports its TypeScript module. Built (`npm run build`), the entry is
// compiled JavaScript and needs no loader.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
