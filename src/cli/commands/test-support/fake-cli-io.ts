/** Test support: an in-memory CliIo and a helper that runs `ward` in-process and returns what it printed. */
import { Readable } from 'node:stream';
import type { CliIo } from '../../cli-context.js';
import { main } from '../../main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface FakeCliOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The clock commands see; a function so a test can move it. */
  readonly now: () => Date;
  readonly stdin?: string;
}

export function fakeCliIo(options: FakeCliOptions): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (text: string) => out.push(text), isTTY: false },
    stderr: { write: (text: string) => err.push(text), isTTY: false },
    stdin: Readable.from([options.stdin ?? '']),
    env: { NO_COLOR: '1', ...options.env },
    cwd: options.cwd,
    now: options.now,
  };
}

export async function runWard(argv: readonly string[], options: FakeCliOptions): Promise<CliRun> {
  const io = fakeCliIo(options);
  const code = await main(argv, io);
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}
