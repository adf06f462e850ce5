import type { Readable } from 'node:stream';
import { WardError } from '../core/errors.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/** Everything a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stdin: Readable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly now: () => Date;
  /** Runs `callback` synchronously as the process exits; without it (tests) callers do their exit work at once. */
  readonly onExit?: (callback: () => void) => void;
}

export interface CliContext {
  readonly io: CliIo;
  /** The exit code the command asks for: 0 all pass, 1 findings, 2 usage or tool error. */
  exitCode: number;
}

/**
 * A reader that goes away early (`ward --help | head -1`) closes the pipe: the rest of the output has nowhere to go and
 * is dropped, the command finishes as it would have (a scan is still stored), and no EPIPE stack trace is printed.
 * Any other error on the stream is still raised.
 */
function dropOutputOnBrokenPipe(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
  return stream;
}

export function processIo(): CliIo {
  dropOutputOnBrokenPipe(process.stdout);
  dropOutputOnBrokenPipe(process.stderr);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    onExit: (callback) => void process.once('exit', callback),
  };
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColour(io: CliIo): boolean {
  return Boolean(io.stdout.isTTY) && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
}

/** Commander option parser for a repeatable option: each use adds one value. */
export const collectValues = (value: string, previous: string[] = []): string[] => [...previous, value];

/** For commands: a usage error, printed in one line with its hint, exit 2. */
export function usageError(message: string, hint?: string): WardError {
  return new WardError('USAGE', message, hint === undefined ? {} : { hint });
}
