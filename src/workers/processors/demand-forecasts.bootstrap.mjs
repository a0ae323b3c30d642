// Entry of a demand-forecasts worker thread. On Node 20 a thread does not get the TypeScript
// loader from the process's `--import` (tsx's CLI and `node --import tsx` alike), so the thread
// registers it and then imports its TypeScript module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
