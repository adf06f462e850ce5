import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { text } from 'node:stream/consumers';
import { WardError } from '../../core/errors.js';
import type { CliContext } from '../cli-context.js';
import type { RegisterCommand } from './index.js';

export const registerQuery: RegisterCommand = (program, context: CliContext) => {
  program
    .command('query')
    .description('run a GraphQL query over the inventory (the stored one, or --offline a capture) and print {"data": ...}')
    .argument('<file>', "a .graphql file, or '-' to read the query from stdin")
    .option('--offline <dir>', 'query a capture directory (loaded into the store first) instead of the last scanned inventory')
    .option('--db <location>', 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)')
    .option('--variables <json>', 'query variables as a JSON object')
    .option('-o, --output <file>', 'write the result to a file instead of stdout')
    .addHelpText('after', '\nChecks may spread ...AssetFragment (id name type provider) without defining it.\nExample: echo \'{ connectors(where: { securityContacts_SOME: null }) { id name } }\' | ward query --offline ./capture -')
    .action(async (file, options) => {
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
      const [{ normaliseCapture }, { readCaptureDir }, { executeQuery }, { replaceInventory }, { emit, withStore }] = await Promise.all([
        import('../../core/inventory/normalise-capture.js'),
        import('../../connectors/azure/read-capture-dir.js'),
        import('../../core/query/execute-query.js'),
        import('../../store/inventory-repository.js'),
        import('../command-options.js'),
      ]);
      const inventory = options.offline ? normaliseCapture(readCaptureDir(resolve(context.io.cwd, options.offline), context.io.cwd)) : undefined;
      const result = await withStore(context, options.db, async (store) => {
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
    });
};

const ROLLBACK = Symbol('rollback');
