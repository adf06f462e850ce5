import path from 'node:path';
import { Option } from '@commander-js/extra-typings';
import { AZURE_CLOUD_NAMES, type AzureCloudName } from '../../connectors/azure/azure-clouds.js';
import { collectCapture, type CollectProgress } from '../../connectors/azure/collect-capture.js';
import { writeCaptureDir } from '../../connectors/azure/write-capture-dir.js';
import { EXIT_OK, usageError, type CliContext } from '../cli-context.js';
import type { RegisterCommand } from './index.js';

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw usageError(`${name} must be a whole number of at least 1, got ${JSON.stringify(value)}`);
  return parsed;
}

/** Progress on stderr: one rewritten line on a terminal, plain lines (every 10 % and each error) otherwise. */
export function createProgressRenderer(context: CliContext): { update(progress: CollectProgress): void; finish(): void } {
  const stream = context.io.stderr;
  const tty = Boolean(stream.isTTY);
  let lastDecile = -1;
  let drawn = false;
  return {
    update(progress) {
      if (progress.phase === 'subscriptions') {
        if (progress.done === 0 && !tty) stream.write('listing subscriptions…\n');
        return;
      }
      const line = `security contacts: ${progress.done}/${progress.total} subscriptions`;
      if (tty) {
        stream.write(`\r${line}\x1b[K`);
        drawn = true;
        return;
      }
      if (progress.outcome === 'error') stream.write(`  error reading subscription ${progress.subscriptionId}\n`);
      const decile = progress.total === 0 ? 10 : Math.floor((progress.done * 10) / progress.total);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${line}\n`);
      }
    },
    finish() {
      if (tty && drawn) stream.write('\n');
    },
  };
}

export const registerCollect: RegisterCommand = (program, context: CliContext) => {
  program
    .command('collect')
    .description('read subscriptions and their Defender for Cloud security contacts from Azure into a capture directory')
    .requiredOption('--out <dir>', 'capture directory to write (replaced as a whole if it holds a previous capture)')
    .option('--subscription <id...>', 'only these subscription ids (repeatable)')
    .option('--management-group <id>', 'only the subscriptions below this management group')
    .option('--tenant <id>', 'Microsoft Entra tenant to sign in to (default: AZURE_TENANT_ID or the credential\'s own)')
    .addOption(new Option('--cloud <name>', 'Azure cloud').choices(AZURE_CLOUD_NAMES))
    .option('--concurrency <n>', 'security-contacts requests in flight at once', '16')
    .option('--timeout-ms <ms>', 'time limit per request attempt', '30000')
    .addHelpText(
      'after',
      '\nCredentials: AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, else DefaultAzureCredential (workload identity, managed\n' +
        'identity, Azure CLI…). WARD_ARM_ENDPOINT overrides the ARM endpoint (e.g. `ward emulator --env-file`).',
    )
    .action(async (options) => {
      const concurrency = positiveInteger('--concurrency', options.concurrency, 16);
      const timeoutMs = positiveInteger('--timeout-ms', options.timeoutMs, 30_000);
      const renderer = createProgressRenderer(context);
      const capture = await collectCapture({
        env: context.io.env,
        concurrency,
        timeoutMs,
        onProgress: (progress) => renderer.update(progress),
        ...(options.subscription === undefined ? {} : { subscriptionIds: options.subscription }),
        ...(options.managementGroup === undefined ? {} : { managementGroupId: options.managementGroup }),
        ...(options.tenant === undefined ? {} : { tenantId: options.tenant }),
        ...(options.cloud === undefined ? {} : { cloud: options.cloud as AzureCloudName }),
      }).finally(() => renderer.finish());
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
