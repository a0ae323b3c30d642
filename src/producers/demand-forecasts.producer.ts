import type { Producer } from '../shared/jobs/enqueue.js';
import { demandForecastsContract, planJobId, trainJobId } from '../shared/jobs/demand-forecasts.contract.js';

/** Starts a forecast run for `originDay` (default: yesterday, decided by the worker). */
export function enqueueForecastRun(producer: Producer, originDay?: string): Promise<string> {
  return producer.enqueue(demandForecastsContract, 'plan-forecasts', { originDay }, originDay ? { idempotencyKey: planJobId(originDay) } : {});
}

/** Asks for a model trained on sales through `trainedThrough` (default: yesterday). */
export function enqueueTraining(producer: Producer, trainedThrough?: string): Promise<string> {
  return producer.enqueue(demandForecastsContract, 'train-model', { trainedThrough, reason: 'manual' }, trainedThrough ? { idempotencyKey: trainJobId(trainedThrough) } : {});
}
