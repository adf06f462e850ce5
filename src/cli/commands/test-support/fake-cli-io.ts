/** Test support: an in-memory CliIo and a helper that runs `ward` in-process and returns what it printed. */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Control, Inventory } from '../../../core/model.js';
import { runScan } from '../../../scan/run-scan.js';
import { MIGRATIONS } from '../../../store/migrations.js';
import { openStore } from '../../../store/open-store.js';
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

/**
 * A new on-disk store directory for a CLI test. Creating a PGlite store costs seconds, so the first call in a run
 * builds a migrated template once and every later call copies it (opening an existing store is fast).
 */
export async function freshStoreDir(): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify(MIGRATIONS)).update(process.version).digest('hex').slice(0, 16);
  const template = join(tmpdir(), `ward-cli-store-template-${key}`);
  if (!existsSync(template)) {
    const building = `${template}.${process.pid}.${randomBytes(4).toString('hex')}`;
    const store = await openStore({ location: building });
    await store.close();
    try {
      renameSync(building, template);
    } catch {
      rmSync(building, { recursive: true, force: true }); // another process built it first
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'ward-cli-test-'));
  cpSync(template, dir, { recursive: true });
  return dir;
}

/** Runs scans straight into an on-disk store (as `ward scan` would), one per inventory, each at its own time. */
export async function scanInto(dir: string, scans: readonly { inventory: Inventory; at: string }[], controls: readonly Control[]): Promise<number[]> {
  const store = await openStore({ location: dir });
  try {
    const ids: number[] = [];
    for (const { inventory, at } of scans) ids.push((await runScan({ store, controls, inventory, source: 'test', now: () => new Date(at) })).scanId);
    return ids;
  } finally {
    await store.close();
  }
}
