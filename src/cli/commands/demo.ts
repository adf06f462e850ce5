import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/package-paths.js';
import type { CliContext } from '../cli-context.js';
import type { RegisterCommand } from './index.js';

export const SAMPLE_TENANT_DIR = join(PACKAGE_ROOT, 'samples', 'contoso-tenant');

export const registerDemo: RegisterCommand = (program, context: CliContext) => {
  program
    .command('demo')
    .description('start the ARM emulator with the sample tenant, scan it live into the store, and report')
    .option('--db <location>', 'store (default: $WARD_DB or ./.ward/db)')
    .action(async (options) => {
      const io = context.io;
      const [{ startEmulator }, { main }] = await Promise.all([import('../../emulator/start-emulator.js'), import('../main.js')]);
      const emulator = await startEmulator({ captureDir: SAMPLE_TENANT_DIR });
      let code: number;
      try {
        io.stdout.write(
          `ward demo: an ARM emulator at ${emulator.url} serves the sample tenant (samples/contoso-tenant, 12 subscriptions);\n` +
            'ward signs in with a service principal, collects every subscription\'s security contacts over HTTPS and scans them.\n\n',
        );
        const env = { ...io.env, ...emulator.environment };
        code = await main(['scan', '--format', 'table', ...(options.db ? ['--db', options.db] : [])], { ...io, env });
      } finally {
        await emulator.close();
      }
      io.stdout.write(
        '\nNext:\n' +
          '  npx ward controls show azure-defender-security-contact-email    # the control page, fixes included\n' +
          `  echo '{ connectors(where: { securityContacts_SOME: null }) { id name } }' | npx ward query -\n` +
          '  npx ward findings --status fail                                  # what the scan stored\n' +
          '  npx ward remediate --control azure-defender-security-contact-email --email soc@contoso.com --offline samples/contoso-tenant\n' +
          '  npx ward emulator --capture samples/contoso-tenant --env-file .ward/emulator.env   # then: set -a; . .ward/emulator.env; set +a; npx ward scan\n',
      );
      // the demo shows failures on purpose: it succeeds when the scan ran
      context.exitCode = code === 2 ? 2 : 0;
    });
};
