/** What `ward query` does; query.ts registers it and loads this module (graphql, the store) when it runs. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { text } from 'node:stream/consumers';
import { readCaptureDir } from '../../connectors/azure/read-capture-dir.js';
import { WardError } from '../../core/errors.js';
import { normaliseCapture } from '../../core/inventory/normalise-capture.js';
import { executeQuery } from '../../core/query/execute-query.js';
import { replaceInventory } from '../../store/inventory-repository.js';
import { withInventoryOfScan } from '../../store/scan-pin-repository.js';
import { usageError, type CliContext } from '../cli-context.js';
import { emit, parseScanId, withStore } from '../command-options.js';

/** The options of `ward query` (see query.ts). */
export interface QueryFlags {
  readonly offline?: string | undefined;
  readonly scan?: string | undefined;
  readonly db?: string | undefined;
  readonly variables?: string | undefined;
  readonly output?: string | undefined;
}

const ROLLBACK = Symbol('rollback');

/**
 * `ward query FILE|-`: run the query over the stored inventory, a scan's (--scan: the latest, or a pinned copy), or
 * over a capture in a transaction rolled back after.
 */
async function runQuery(context: CliContext, file: string, options: QueryFlags): Promise<void> {
  const source = file === '-' ? '<stdin>' : file;
  let query: string;
  try {
    query = file === '-' ? await text(context.io.stdin) : readFileSync(resolve(context.io.cwd, file), 'utf8');
  } catch (error) {
    throw new WardError('USAGE', `cannot read the query ${source}: ${(error as Error).message}`);
  }
  let variables: Record<string, unknown> | undefined;
  if (options.variables !== undefined) {
    try {
      variables = JSON.parse(options.variables) as Record<string, unknown>;
    } catch {
      throw new WardError('USAGE', '--variables is not a JSON object', { hint: `for example --variables '{"name": "default"}'` });
    }
  }
  if (options.offline !== undefined && options.scan !== undefined) throw usageError('give --offline or --scan, not both');
  const scanId = options.scan === undefined ? undefined : parseScanId(options.scan, '--scan');
  const inventory = options.offline ? normaliseCapture(readCaptureDir(resolve(context.io.cwd, options.offline), context.io.cwd)) : undefined;
  const result = await withStore(context, options.db, async (store) => {
    if (scanId !== undefined) return withInventoryOfScan(store, scanId, (client) => executeQuery(client, query, { source, ...(variables ? { variables } : {}) }));
    if (!inventory) return executeQuery(store, query, { source, ...(variables ? { variables } : {}) });
    // an offline query reads the capture in a transaction that is rolled back: the stored inventory stays as it was
    let answer: Awaited<ReturnType<typeof executeQuery>> | undefined;
    await store
      .transaction(async (tx) => {
        await replaceInventory(tx, inventory, { collectedAt: context.io.now(), scanId: null, scope: 'all' });
        answer = await executeQuery(tx, query, { source, ...(variables ? { variables } : {}) });
        throw ROLLBACK;
      })
      .catch((error: unknown) => {
        if (error !== ROLLBACK) throw error;
      });
    return answer!;
  });
  emit(context, `${JSON.stringify(result, null, 2)}\n`, options.output);
  if (result.errors?.length) context.exitCode = 2;
}

export const queryActions = { query: runQuery } as const;
