import { readFileSync } from 'node:fs';
import { Option, type Command } from '@commander-js/extra-typings';
import { WardError } from '../core/errors.js';
import { AZURE_CLOUD_NAMES, type AzureCloudName } from '../connectors/azure/azure-clouds.js';
import type { Capture } from '../core/inventory/capture.js';
import type { CollectOptions, CollectProgress } from '../connectors/azure/collect-capture.js';
import { usageError, type CliContext } from './cli-context.js';

/** The flags every command that reads Azure live shares (collect, scan, remediate). */
export function addAzureOptions(command: Command): void {
  command
    .option('--subscription <id...>', 'only these subscription ids (repeatable)')
    .option('--management-group <id>', 'only the subscriptions below this management group')
    .option('--tenant <id>', "Microsoft Entra tenant to sign in to (default: AZURE_TENANT_ID or the credential's own)")
    .addOption(new Option('--cloud <name>', 'Azure cloud').choices(AZURE_CLOUD_NAMES))
    .option('--concurrency <n>', 'security-contacts requests in flight at once', '16')
    .option('--timeout-ms <ms>', 'time limit per request attempt', '30000')
    .addHelpText(
      'after',
      '\nCredentials: AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, else DefaultAzureCredential (workload identity, managed\n' +
        'identity, Azure CLI…). WARD_ARM_ENDPOINT overrides the ARM endpoint (e.g. `ward emulator --write-env-file`).',
    );
}

export interface AzureFlags {
  readonly subscription?: string[];
  readonly managementGroup?: string;
  readonly tenant?: string;
  readonly cloud?: string;
  readonly concurrency?: string;
  readonly timeoutMs?: string;
}

export function positiveInteger(name: string, value: string | undefined, fallback: number): number {
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


/**
 * NODE_EXTRA_CA_CERTS is read by Node only when a process starts. When ward runs in-process (the demo, tests)
 * with an environment that names one, the certificates are trusted explicitly as well.
 */
export function extraCertificates(context: CliContext): { ca?: string } {
  const file = context.io.env.NODE_EXTRA_CA_CERTS;
  if (!file || file === process.env.NODE_EXTRA_CA_CERTS) return {};
  try {
    return { ca: readFileSync(file, 'utf8') };
  } catch (error) {
    throw new WardError('USAGE', `cannot read NODE_EXTRA_CA_CERTS ${file}: ${(error as Error).message}`);
  }
}

/** Collects a capture from Azure (or the emulator WARD_ARM_ENDPOINT names) with progress on stderr. */
export async function collectFromAzure(context: CliContext, flags: AzureFlags, extra: Partial<CollectOptions> = {}): Promise<Capture> {
  const concurrency = positiveInteger('--concurrency', flags.concurrency, 16);
  const timeoutMs = positiveInteger('--timeout-ms', flags.timeoutMs, 30_000);
  const renderer = createProgressRenderer(context);
  const { collectCapture } = await import('../connectors/azure/collect-capture.js');
  return collectCapture({
    ...extraCertificates(context),
    env: context.io.env,
    concurrency,
    timeoutMs,
    onProgress: (progress) => renderer.update(progress),
    ...(flags.subscription === undefined ? {} : { subscriptionIds: flags.subscription }),
    ...(flags.managementGroup === undefined ? {} : { managementGroupId: flags.managementGroup }),
    ...(flags.tenant === undefined ? {} : { tenantId: flags.tenant }),
    ...(flags.cloud === undefined ? {} : { cloud: flags.cloud as AzureCloudName }),
    ...extra,
  }).finally(() => renderer.finish());
}
