/**
 * A live scan that collected a tenant but could not store it (the store stayed busy past --lock-timeout, the
 * server went away, Ctrl-C during the write) keeps the collection: the capture is written to
 * `.ward/unsaved-capture-<UTC time>/` in the working directory, and the error says how to store it later.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Capture } from '../core/inventory/capture.js';
import { WardError, isWardError } from '../core/errors.js';
import type { CliContext } from './cli-context.js';
import { InterruptedError } from './interruptible.js';

async function writeUnsavedCapture(context: CliContext, capture: Capture): Promise<string> {
  const { writeCaptureDir } = await import('../connectors/azure/write-capture-dir.js');
  const stamp = context.io.now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const base = resolve(context.io.cwd, '.ward', `unsaved-capture-${stamp}`);
  let directory = base;
  for (let n = 2; existsSync(directory); n += 1) directory = `${base}-${n}`;
  await writeCaptureDir(capture, directory);
  const shown = relative(context.io.cwd, directory);
  return shown.startsWith('..') ? directory : shown;
}

/**
 * Writes the capture of a scan that was not stored and returns the error to raise in place of `error`, which now
 * also says where the collection is and how to store it. `scoped`: the capture holds only the subscriptions of a
 * --subscription / --management-group scan, which an offline scan would take for the whole tenant.
 */
export async function keepUnsavedCapture(context: CliContext, capture: Capture, error: unknown, scoped: boolean): Promise<unknown> {
  let directory: string;
  try {
    directory = await writeUnsavedCapture(context, capture);
  } catch (writeError) {
    context.io.stderr.write(`ward: the scan was not stored, and its collection could not be kept either: ${(writeError as Error).message}\n`);
    return error;
  }
  const store = scoped
    ? `it holds only the subscriptions in scope, which \`ward scan --offline ${directory}\` would take for the whole tenant: run the scoped scan again to store them`
    : `store it with \`ward scan --offline ${directory}\``;
  if (error instanceof InterruptedError) return error.withDetail(`the scan was not stored; its collection is kept in ${directory} (${store})`);
  if (isWardError(error)) {
    // a busy store's own hint says to run again, which would collect again: storing the capture is the way on
    const then = error.code === 'STORE_BUSY' ? ' once the store is free (--lock-timeout SECONDS waits longer)' : error.hint === undefined ? '' : `; ${error.hint}`;
    return new WardError(error.code, `${error.message}; the collection is kept in ${directory}`, {
      hint: `${store}${then}`,
      ...(error.location === undefined ? {} : { location: error.location }),
      cause: error,
    });
  }
  context.io.stderr.write(`ward: the scan was not stored; its collection is kept in ${directory} (${store})\n`);
  return error;
}
