import { Option } from '@commander-js/extra-typings';
import type { CliContext } from '../cli-context.js';
import type { RegisterCommand } from './register-command.js';

/** The emulator (certificates, routes, the sample or synthetic tenant) is loaded when the command runs. */
const actions = async () => (await import('./emulator-actions.js')).emulatorActions;


export const registerEmulator: RegisterCommand = (program, context: CliContext) => {
  program
    .command('emulator')
    .description('run a local HTTPS Azure Resource Manager emulator (with a token endpoint) until SIGINT or SIGTERM')
    .option('--capture <dir>', 'serve this capture directory (as written by `ward collect -o DIR`)')
    .option('--synthetic <n>', 'serve a deterministic synthetic tenant of N subscriptions')
    .option('--seed <n>', 'seed of the synthetic tenant and of the faults', '1')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', '0')
    .option('--page-size <n>', 'subscriptions per page (nextLink paging)', '100')
    .option('--latency-ms <ms>', 'added to every ARM answer', '0')
    .option('--throttle', 'per-subscription token buckets like ARM: 429 with Retry-After')
    .option('--fault-rate <f>', 'probability (0..1) of a 5xx, connection reset, slow answer or truncated body', '0')
    .option('--write-env-file <file>', 'once listening, write here the environment a client needs: AZURE_*, WARD_ARM_ENDPOINT, and NODE_EXTRA_CA_CERTS, CURL_CA_BUNDLE, REQUESTS_CA_BUNDLE, SSL_CERT_FILE naming only the emulator CA (mode 0600)')
    // the old spelling, kept for scripts but never shown: Node 20 takes `--env-file` out of the arguments of any node
    // process, npx included, so `npx ward emulator --env-file F` never reaches ward
    .addOption(new Option('--env-file <file>').hideHelp())
    .option('--log', 'print one line per request on stderr (never tokens or secrets)')
    .addHelpText('after', '\nThen: set -a; . FILE; set +a; ward scan   (or ward collect -o DIR)')
    .action(async (options) => (await actions()).serve(context, options));
};
