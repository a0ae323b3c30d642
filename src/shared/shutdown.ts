import { logger } from './logging.js';

const log = logger.child({ component: 'shutdown' });

export type CloseStep = { name: string; close: () => Promise<unknown> };

/**
 * Graceful shutdown: the first SIGTERM/SIGINT stops taking work and runs the close steps in
 * order (workers drain their active jobs) under a deadline; a second signal, or the deadline,
 * forces exit.
 */
export function installShutdown(steps: () => CloseStep[], timeoutMs: number): () => Promise<void> {
  let closing: Promise<void> | undefined;
  const shutdown = async () => {
    closing ??= (async () => {
      let current = '';
      const timer = setTimeout(() => {
        log.error('shutdown deadline passed, forcing exit', { timeoutMs, step: current });
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      for (const step of steps()) {
        current = step.name;
        const started = Date.now();
        try {
          await step.close();
          log.debug('close step done', { step: step.name, durationMs: Date.now() - started });
        } catch (err) {
          log.warn('close step failed', { step: step.name, durationMs: Date.now() - started, err });
        }
      }
      clearTimeout(timer);
    })();
    return closing;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      log.warn('second signal, forcing exit', { signal });
      process.exit(1);
    }
    log.info('shutting down', { signal });
    void shutdown().then(() => process.exit(0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return shutdown;
}
