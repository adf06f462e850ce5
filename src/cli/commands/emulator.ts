import { isIP } from 'node:net';
import path from 'node:path';
import type { EmulatorOptions } from '../../emulator/start-emulator.js';
import { usageError, type CliContext } from '../cli-context.js';
import type { RegisterCommand } from './index.js';

function numberOption(name: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER, integer = true): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max || (integer && !Number.isInteger(parsed))) {
    throw usageError(`${name} must be ${integer ? 'a whole number' : 'a number'} from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return /^(0{0,4}:){2,7}0{0,3}1$/.test(bare) || /^::ffff:127\./.test(bare);
  return false;
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

/** Resolves when the process is asked to stop (SIGINT or SIGTERM). */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const registerEmulator: RegisterCommand = (program, context: CliContext) => {
  program
    .command('emulator')
    .description('run a local HTTPS Azure Resource Manager emulator (with a token endpoint) until SIGINT or SIGTERM')
    .option('--capture <dir>', 'serve this capture directory (as written by `ward collect --out`)')
    .option('--synthetic <n>', 'serve a deterministic synthetic tenant of N subscriptions')
    .option('--seed <n>', 'seed of the synthetic tenant and of the faults', '1')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', '0')
    .option('--page-size <n>', 'subscriptions per page (nextLink paging)', '100')
    .option('--latency-ms <ms>', 'added to every ARM answer', '0')
    .option('--throttle', 'per-subscription token buckets like ARM: 429 with Retry-After')
    .option('--fault-rate <f>', 'probability (0..1) of a 5xx, connection reset, slow answer or truncated body', '0')
    .option('--env-file <file>', 'write AZURE_*, NODE_EXTRA_CA_CERTS and WARD_ARM_ENDPOINT here once listening (mode 0600)')
    .option('--write-env-file <file>', 'the same as --env-file (for running ward as `node bin/ward.js`, where Node 20 takes --env-file for itself)')
    .option('--log', 'print one line per request on stderr (never tokens or secrets)')
    .addHelpText('after', '\nThen: set -a; . FILE; set +a; ward scan   (or ward collect --out DIR)')
    .action(async (options) => {
      if ((options.capture === undefined) === (options.synthetic === undefined)) {
        throw usageError('pass exactly one of --capture DIR and --synthetic N');
      }
      const envFileOption = options.envFile ?? options.writeEnvFile;
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
      const { startEmulator } = await import('../../emulator/start-emulator.js');
      const emulator = await startEmulator(emulatorOptions);
      const out = context.io.stdout;
      out.write(`ward emulator: ARM and token endpoint at ${emulator.url} (${emulator.state.subscriptions.length} subscriptions)\n`);
      out.write(`  CA certificate: ${emulator.caFile}\n`);
      if (envFile !== undefined) {
        out.write(`  environment:    ${envFile}  (use: set -a; . ${envFile}; set +a)\n`);
      } else {
        for (const line of emulator.envFileLines) if (!line.startsWith('AZURE_CLIENT_SECRET=')) out.write(`  ${line}\n`);
        out.write('  AZURE_CLIENT_SECRET is not printed: pass --env-file FILE to receive it\n');
      }
      out.write('Stop with Ctrl+C.\n');
      const signal = await untilSignal();
      await emulator.close();
      out.write(`ward emulator: stopped (${signal})\n`);
    });
};
