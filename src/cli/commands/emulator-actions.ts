/** What `ward emulator` does; emulator.ts registers it and loads this module (and the emulator) when it runs. */
import path from 'node:path';
import { startEmulator, type EmulatorOptions } from '../../emulator/start-emulator.js';
import { isLoopbackHost } from '../../server/start-ward-server.js';
import { usageError, type CliContext } from '../cli-context.js';
import { untilSignal } from '../until-signal.js';

/** The options of `ward emulator` (see emulator.ts). */
export interface EmulatorFlags {
  readonly capture?: string | undefined;
  readonly synthetic?: string | undefined;
  readonly seed: string;
  readonly host: string;
  readonly port: string;
  readonly pageSize: string;
  readonly latencyMs: string;
  readonly throttle?: boolean | undefined;
  readonly faultRate: string;
  readonly writeEnvFile?: string | undefined;
  /** The old spelling of --write-env-file. */
  readonly envFile?: string | undefined;
  readonly log?: boolean | undefined;
}

function numberOption(name: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER, integer = true): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max || (integer && !Number.isInteger(parsed))) {
    throw usageError(`${name} must be ${integer ? 'a whole number' : 'a number'} from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}, got ${JSON.stringify(value)}`);
  }
  return parsed;
}


/** What `--host` other than loopback exposes: printed on stderr before the emulator listens. */
export function exposedHostWarning(host: string): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  return (
    `ward emulator: warning: --host ${host} is not a loopback address: its token endpoint, which hands out tokens for the ` +
    'client id and secret it writes to the environment file, and its ARM API (reads and writes) are reachable from the network. ' +
    'Bind 127.0.0.1 (the default) unless other machines must connect.'
  );
}


/** `ward emulator`: serve until SIGINT or SIGTERM. */
async function runEmulator(context: CliContext, options: EmulatorFlags): Promise<void> {
  if ((options.capture === undefined) === (options.synthetic === undefined)) {
    throw usageError('pass exactly one of --capture DIR and --synthetic N');
  }
  const envFileOption = options.writeEnvFile ?? options.envFile;
  const envFile = envFileOption === undefined ? undefined : path.resolve(context.io.cwd, envFileOption);
  const emulatorOptions: EmulatorOptions = {
    host: options.host,
    port: numberOption('--port', options.port, 0, 65535) ?? 0,
    seed: numberOption('--seed', options.seed, 0) ?? 1,
    pageSize: numberOption('--page-size', options.pageSize, 1) ?? 100,
    latencyMs: numberOption('--latency-ms', options.latencyMs, 0) ?? 0,
    faultRate: numberOption('--fault-rate', options.faultRate, 0, 1, false) ?? 0,
    throttle: Boolean(options.throttle),
    ...(options.capture === undefined ? {} : { captureDir: path.resolve(context.io.cwd, options.capture) }),
    ...(options.synthetic === undefined ? {} : { synthetic: numberOption('--synthetic', options.synthetic, 0) ?? 0 }),
    ...(envFile === undefined ? {} : { envFile, caFile: `${envFile}.ca.pem` }),
    ...(options.log ? { log: (line: string) => void context.io.stderr.write(`${line}\n`) } : {}),
  };
  const warning = exposedHostWarning(options.host);
  if (warning !== undefined) context.io.stderr.write(`${warning}\n`);
  // listening for SIGINT/SIGTERM before anything starts: a signal that comes while the emulator starts (a script that
  // stops it as soon as the env file appears) still stops it cleanly, instead of killing the process outright
  const stopped = untilSignal();
  const emulator = await startEmulator(emulatorOptions);
  const out = context.io.stdout;
  out.write(`ward emulator: ARM and token endpoint at ${emulator.url} (${emulator.state.subscriptions.length} subscriptions)\n`);
  out.write(`  CA certificate: ${emulator.caFile}\n`);
  if (envFile !== undefined) {
    out.write(`  environment:    ${envFile}  (use: set -a; . ${envFile}; set +a)\n`);
  } else {
    for (const line of emulator.envFileLines) if (!line.startsWith('AZURE_CLIENT_SECRET=')) out.write(`  ${line}\n`);
    out.write('  AZURE_CLIENT_SECRET is not printed: pass --write-env-file FILE to receive it\n');
  }
  out.write('Stop with Ctrl+C.\n');
  const signal = await stopped;
  await emulator.close();
  out.write(`ward emulator: stopped (${signal})\n`);
}

export const emulatorActions = { serve: runEmulator } as const;
