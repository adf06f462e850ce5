import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/package-paths.js';
import type { CliContext } from '../cli-context.js';
import { main } from '../main.js';
import type { RegisterCommand } from './index.js';

export const registerDemo: RegisterCommand = (program, context: CliContext) => {
  program
    .command('demo')
    .description('scan the bundled sample tenant (twelve subscriptions, every verdict) into the store and report')
    .option('--db <location>', 'store (default: $WARD_DB or ./.ward/db)')
    .action(async (options) => {
      const sample = join(PACKAGE_ROOT, 'samples', 'contoso-tenant');
      const io = context.io;
      io.stdout.write(`ward demo: scanning the sample tenant in ${sample}\n\n`);
      const code = await main(['scan', '--offline', sample, '--format', 'table', ...(options.db ? ['--db', options.db] : [])], io);
      io.stdout.write(
        '\nNext:\n' +
          '  npx ward controls show azure-defender-security-contact-email\n' +
          `  echo '{ connectors(where: { securityContacts_SOME: null }) { id name } }' | npx ward query -\n` +
          `  npx ward scan --offline ${sample} --format json\n`,
      );
      // the demo shows failures on purpose: it succeeds when the scan ran
      context.exitCode = code === 2 ? 2 : 0;
    });
};
