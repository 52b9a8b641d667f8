import type { Logger } from './logger.js';

/**
 * What the process does with a failure nothing handled. No request may cause one: every
 * lookup outcome is handled where it arises (test/integration/lookups/entities-robustness.test.ts
 * drives the paths that once did). Should one still happen, it is a bug of ours:
 * - an unhandled promise rejection is logged at error level and counted
 *   (`unhandled_rejections_total` in /metrics); the process keeps serving, since the
 *   rejected promise's work is over and no shared state is left half-changed by it;
 * - an uncaught exception is logged at fatal level and the process exits 1 for its supervisor
 *   to restart it: a synchronous throw may have left shared state half-changed.
 */
export function installProcessGuards(logger: Logger, countRejection: () => void, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  const onRejection = (reason: unknown) => {
    countRejection();
    logger.error({ err: reason }, 'unhandled promise rejection: a bug, reported and counted; the process keeps serving');
  };
  const onException = (error: Error) => {
    logger.fatal({ err: error }, 'uncaught exception: exiting for the supervisor to restart the process');
    exit(1);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
