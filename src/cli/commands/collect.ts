import path from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { addAzureOptions, collectFromAzure, type AzureFlags } from '../azure-options.js';
import { EXIT_OK, type CliContext } from '../cli-context.js';
import type { RegisterCommand } from './index.js';

export const registerCollect: RegisterCommand = (program, context: CliContext) => {
  const command = program
    .command('collect')
    .description('read subscriptions and their Defender for Cloud security contacts from Azure into a capture directory')
    .requiredOption('--out <dir>', 'capture directory to write (replaced as a whole if it holds a previous capture)');
  addAzureOptions(command as unknown as Command);
  command.action(async (options) => {
      const { writeCaptureDir } = await import('../../connectors/azure/write-capture-dir.js');
      const capture = await collectFromAzure(context, options as AzureFlags);
      const out = path.resolve(context.io.cwd, options.out);
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
    });
};
