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
