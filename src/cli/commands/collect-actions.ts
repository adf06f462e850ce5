/** What `ward collect` does; collect.ts registers it and loads this module (the Azure SDK) when it runs. */
import path from 'node:path';
import { writeCaptureDir } from '../../connectors/azure/write-capture-dir.js';
import { collectFromAzure, type AzureFlags } from '../azure-options.js';
import { EXIT_OK, usageError, type CliContext } from '../cli-context.js';

/** The options of `ward collect` (see collect.ts). */
export interface CollectFlags extends AzureFlags {
  readonly output?: string | undefined;
  /** The old spelling of --output. */
  readonly out?: string | undefined;
}

/** `ward collect -o DIR`: collect live and write a capture directory. */
async function runCollect(context: CliContext, options: CollectFlags): Promise<void> {
  const target = options.output ?? options.out;
  if (target === undefined) throw usageError('ward collect needs -o, --output DIR: the capture directory to write', 'e.g. ward collect -o ./capture');
  const capture = await collectFromAzure(context, options);
  const out = path.resolve(context.io.cwd, target);
  await writeCaptureDir(capture, out);
  const subscriptions = (capture.subscriptions.body as { value: unknown[] }).value.length;
  const errors = [...capture.securityContacts.values()].filter(
    (captured) => typeof captured.body === 'object' && captured.body !== null && 'error' in captured.body,
  ).length;
  const read = capture.securityContacts.size - errors;
  context.io.stdout.write(
    `wrote ${out}: ${subscriptions} subscription(s), contacts read for ${read}, ${errors} read error(s), ` +
      `${subscriptions - capture.securityContacts.size} not read (disabled or deleted)\n`,
  );
  context.exitCode = EXIT_OK;
}

export const collectActions = { collect: runCollect } as const;
