import winston from 'winston';
import { getConfig } from './config.js';
import { currentContext } from './context.js';

const addContext = winston.format((info) => {
  const ctx = currentContext();
  if (ctx) for (const [k, v] of Object.entries(ctx)) if (v !== undefined && info[k] === undefined) info[k] = v;
  return info;
});

const errorsToFields = winston.format((info) => {
  for (const [k, v] of Object.entries(info)) {
    if (v instanceof Error) info[k] = { name: v.name, message: v.message, code: (v as { code?: unknown }).code, stack: v.stack };
  }
  return info;
});

/** The one root logger: JSON lines on stdout. Use `logger.child({ component })`. */
export const logger = winston.createLogger({
  level: getConfig().LOG_LEVEL,
  format: winston.format.combine(addContext(), errorsToFields(), winston.format.timestamp(), winston.format.json()),
  defaultMeta: { service: 'gondola', pid: process.pid },
  transports: [new winston.transports.Console()],
});

/**
 * A listener for `'error'` events of long-lived connections (Redis, pool, queues): logs the error
 * at warn, but the same message from the same source at most once per `everyMs`, with the count
 * of repeats it held back, so an outage is visible without a line per reconnect attempt.
 */
export function connectionErrorLogger(component: string, fields: Record<string, unknown> = {}, everyMs = 30_000): (err: unknown) => void {
  const log = logger.child({ component });
  const last = new Map<string, { at: number; held: number }>();
  return (err) => {
    const message = err instanceof Error ? err.message : String(err);
    const now = Date.now();
    const seen = last.get(message);
    if (seen && now - seen.at < everyMs) {
      seen.held++;
      return;
    }
    log.warn('connection error', { ...fields, err, repeats: seen?.held ?? 0 });
    last.set(message, { at: now, held: 0 });
  };
}
