import { timingSafeEqual } from 'node:crypto';
import client from 'prom-client';

/**
 * Every Prometheus metric of the project, defined once. Names are fixed, prefixed `gondola_`,
 * with unit suffixes; queue and job name are labels; never ids or SKUs as labels.
 */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'gondola_' });

const durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export const jobsProcessed = new client.Counter({
  name: 'gondola_jobs_processed_total',
  help: 'Jobs finished by a worker, by outcome (completed | failed_retry | failed_permanent)',
  labelNames: ['queue', 'job_name', 'outcome'] as const,
  registers: [registry],
});

export const jobDuration = new client.Histogram({
  name: 'gondola_job_duration_seconds',
  help: 'Time a worker spent on one job attempt',
  labelNames: ['queue', 'job_name'] as const,
  buckets: durationBuckets,
  registers: [registry],
});

export const jobWait = new client.Histogram({
  name: 'gondola_job_wait_seconds',
  help: 'Time from enqueue to the start of the first attempt',
  labelNames: ['queue', 'job_name'] as const,
  buckets: durationBuckets,
  registers: [registry],
});

/** Collected at scrape time from `getJobCounts()`, by the api process only. */
export const queueJobs = new client.Gauge({
  name: 'gondola_queue_jobs',
  help: 'Jobs in each queue by state',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
});

export const httpRequests = new client.Counter({
  name: 'gondola_http_requests_total',
  help: 'HTTP requests by route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

export const httpDuration = new client.Histogram({
  name: 'gondola_http_request_duration_seconds',
  help: 'HTTP request duration by route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: durationBuckets,
  registers: [registry],
});

export const transactionRetries = new client.Counter({
  name: 'gondola_db_transaction_retries_total',
  help: 'Transactions retried after a serialization failure or deadlock',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const stockMovements = new client.Counter({
  name: 'gondola_stock_movements_total',
  help: 'Stock movements processed, by type and outcome (applied | rejected)',
  labelNames: ['type', 'outcome'] as const,
  registers: [registry],
});

/** Collected at scrape time from PostgreSQL, by the api process only. */
export const movementsQueued = new client.Gauge({
  name: 'gondola_movements_queued',
  help: 'Movement requests accepted and not yet decided: the stock-movements backlog in movements (one job carries up to 200)',
  registers: [registry],
});

export const movementGroupSize = new client.Histogram({
  name: 'gondola_movement_group_commit_jobs',
  help: 'Jobs applied together in one movement group commit',
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
  registers: [registry],
});

export const reconcilerRequeued = new client.Counter({
  name: 'gondola_reconciler_requeued_total',
  help: 'Durable requests still queued after the grace period and sent to Redis again',
  labelNames: ['queue'] as const,
  registers: [registry],
});

export const priceRuns = new client.Counter({
  name: 'gondola_price_runs_total',
  help: 'Repricing runs finished, by trigger (api | invoice | index | seed)',
  labelNames: ['trigger'] as const,
  registers: [registry],
});

export const pricesChanged = new client.Counter({
  name: 'gondola_prices_changed_total',
  help: 'Shelf prices changed by repricing, by trigger',
  labelNames: ['trigger'] as const,
  registers: [registry],
});

export const priceRunDuration = new client.Histogram({
  name: 'gondola_price_run_duration_seconds',
  help: 'Time from a repricing run being planned to its last chunk finishing',
  labelNames: ['trigger'] as const,
  buckets: durationBuckets,
  registers: [registry],
});

/** Collected at scrape time from the index tables, by the api only. */
export const inflationMonthlyChange = new client.Gauge({
  name: 'gondola_inflation_monthly_change_ratio',
  help: 'Latest monthly change of each inflation index series (0.029 = 2.9 %)',
  labelNames: ['series'] as const,
  registers: [registry],
});

export const inflationBaseline = new client.Gauge({
  name: 'gondola_inflation_baseline_monthly_change_ratio',
  help: 'Mean monthly change of the 12 months before the latest one, per series (the anomaly baseline)',
  labelNames: ['series'] as const,
  registers: [registry],
});

export const inflationRateAnomaly = new client.Gauge({
  name: 'gondola_inflation_rate_anomaly',
  help: 'Per series: 1 when the latest monthly change is above 3x, or below a third of, the mean of the 12 months before it',
  labelNames: ['series'] as const,
  registers: [registry],
});

/** Collected at scrape time from cost_alerts, by the api only. */
export const costAlertsRecorded = new client.Gauge({
  name: 'gondola_cost_alerts_recorded',
  help: 'Cost alerts recorded so far, by band (percent, or "none" for a loss below the lowest band)',
  labelNames: ['band'] as const,
  registers: [registry],
});

export const productsSellingAtLoss = new client.Gauge({
  name: 'gondola_products_selling_at_loss',
  help: 'Products whose replacement cost is above their price net of national taxes',
  registers: [registry],
});

/** Recent WAPE of the serving model's forecasts / its validation WAPE; alert when it stays well above 1. */
export const forecastDrift = new client.Gauge({
  name: 'gondola_forecast_drift_ratio',
  help: 'Recent forecast WAPE divided by the serving model version validation WAPE',
  registers: [registry],
});

export const forecastRows = new client.Counter({
  name: 'gondola_forecast_rows_written_total',
  help: 'Product-day forecasts written, by serving method (model | seasonal_naive | ses | tsb)',
  labelNames: ['method'] as const,
  registers: [registry],
});

export const forecastModelTrainings = new client.Counter({
  name: 'gondola_forecast_model_trainings_total',
  help: 'Model versions trained, by outcome (activated | kept_baseline | parity_failed)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const invoiceExtractions = new client.Counter({
  name: 'gondola_invoice_extractions_total',
  help: 'Invoice extractions by most exact method used (qr | text | ocr | none) and outcome (ready | needs_review | rejected | failed)',
  labelNames: ['method', 'outcome'] as const,
  registers: [registry],
});

export const invoiceExtractionDuration = new client.Histogram({
  name: 'gondola_invoice_extraction_duration_seconds',
  help: 'Time to extract one invoice file in the sandboxed process, by printed-text method (text | ocr | none)',
  labelNames: ['method'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120],
  registers: [registry],
});

export const invoiceExtractionTimeouts = new client.Counter({
  name: 'gondola_invoice_extraction_timeouts_total',
  help: 'Invoice extractions ended by the per-job deadline',
  registers: [registry],
});

export const invoiceFieldConfidence = new client.Histogram({
  name: 'gondola_invoice_field_confidence_ratio',
  help: 'Confidence of extracted invoice header fields, by field and source (qr | text | ocr)',
  labelNames: ['field', 'source'] as const,
  buckets: [0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 1],
  registers: [registry],
});

/** Whether a /metrics request may read the figures: no token configured, or the right bearer token. */
/**
 * Whether /metrics on the api's public port may answer a request nobody authenticated: only when
 * it comes straight from this machine (loopback, not forwarded by a proxy). The safe default when
 * neither API_METRICS_PORT nor METRICS_TOKEN is set (e.g. `npm start` on a shop's machine): a local
 * Prometheus can scrape, the shop's network and the internet cannot.
 */
export function metricsOpenToLocal(remoteAddress: string | undefined, forwardedFor: string | undefined): boolean {
  if (forwardedFor) return false;
  return remoteAddress === '127.0.0.1' || remoteAddress === '::1' || remoteAddress === '::ffff:127.0.0.1';
}

export function metricsAuthorized(token: string | undefined, authorization: string | undefined): boolean {
  if (!token) return true;
  const presented = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
