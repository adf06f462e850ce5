import type { CliContext } from '../cli-context.js';
import { collectValues } from '../cli-context.js';
import type { RegisterCommand } from './register-command.js';

/** graphile-worker and the store are loaded when the command runs, not for `ward --help`. */
const actions = async () => (await import('./worker-actions.js')).workerActions;

/** `ward worker`: run team mode's jobs (queued scans, schedules, notifications) until SIGINT or SIGTERM. */
export const registerWorker: RegisterCommand = (program, context: CliContext) => {
  program
    .command('worker')
    .description('run queued scans, schedules and notifications from the team store (PostgreSQL), until SIGINT or SIGTERM')
    .option('--db <url>', 'the team store: a postgres:// URL (default: $WARD_DB)')
    .option('--concurrency <n>', 'jobs run at once by this worker (each reads one subscription at a time)', '10')
    .option('--controls <dir>', 'judge with the controls below this directory instead of the shipped ones')
    .option('--config <file>', 'control parameter values every scan starts from (default: ./ward.yaml when present)')
    .option('--param <control-id.name=value>', 'a control parameter value (repeatable; wins over --config)', collectValues)
    .addHelpText(
      'after',
      '\nRun as many workers as you like, on any machines that reach the store. Each connector reads at most its' +
        '\n--max-concurrency batches at once across all of them (ward connectors add). A worker signs in to each connector' +
        '\nwith the credential the connector names (env:PREFIX reads PREFIX_CLIENT_ID and PREFIX_CLIENT_SECRET here).' +
        '\nSIGTERM lets running jobs finish (a few seconds); a worker that is killed loses nothing: its jobs run again elsewhere.' +
        '\nExample: ward worker --db postgres://ward@db.internal/ward --concurrency 25',
    )
    .action(async (options) => (await actions()).run(context, options));
};
