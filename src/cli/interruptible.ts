/**
 * Ctrl-C and SIGTERM during work that writes the store. Node's default is to die on the spot, which leaves a scan
 * recorded as running with nothing to say why. Inside `interruptible`, the first signal aborts the work's
 * AbortSignal instead: the work stops at its next step, rolls back and records what happened (a scan is recorded
 * as interrupted), and the command exits 130 (SIGINT) or 143 (SIGTERM). A second signal exits at once.
 */
import type { CliIo } from './cli-context.js';

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

const SIGNAL_NUMBERS: Readonly<Record<InterruptSignal, number>> = { SIGINT: 2, SIGTERM: 15 };

/** The reason of an interrupted command; the CLI prints its message in one line and exits 128 + the signal number. */
export class InterruptedError extends Error {
  readonly signal: InterruptSignal;
  readonly exitCode: number;

  constructor(signal: InterruptSignal, detail?: string) {
    super(detail === undefined ? `interrupted by ${signal}` : `interrupted by ${signal}: ${detail}`);
    this.name = 'InterruptedError';
    this.signal = signal;
    this.exitCode = 128 + SIGNAL_NUMBERS[signal];
  }

  /** The same interruption, saying what became of the work. */
  withDetail(detail: string): InterruptedError {
    return new InterruptedError(this.signal, detail);
  }
}

export async function interruptible<T>(io: Pick<CliIo, 'stderr'>, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const handlers = (Object.keys(SIGNAL_NUMBERS) as InterruptSignal[]).map((name) => {
    const handler = (): void => {
      if (controller.signal.aborted) process.exit(128 + SIGNAL_NUMBERS[name]);
      io.stderr.write(`ward: ${name}: stopping after the current step (again to quit at once)\n`);
      controller.abort(new InterruptedError(name));
    };
    process.on(name, handler);
    return { name, handler };
  });
  try {
    return await work(controller.signal);
  } finally {
    for (const { name, handler } of handlers) process.off(name, handler);
  }
}
