/** What `ward demo` does; demo.ts registers it and loads this module (the emulator, the scan) when it runs. */
import { join } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { PACKAGE_ROOT } from '../../core/package-paths.js';
import { startEmulator } from '../../emulator/start-emulator.js';
import { EXIT_ERROR, EXIT_OK, type CliContext } from '../cli-context.js';
import { registerScan } from './scan.js';

export const SAMPLE_TENANT_DIR = join(PACKAGE_ROOT, 'samples', 'contoso-tenant');

/**
 * `ward scan --format table [--db DB]` in `context` (the emulator's environment): the scan command alone on a program
 * of its own, not the whole CLI (main.ts registers demo: importing it from here would make a cycle).
 */
async function scanLive(context: CliContext, db: string | undefined): Promise<number> {
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: (text) => void context.io.stdout.write(text), writeErr: (text) => void context.io.stderr.write(text) });
  registerScan(program, context);
  await program.parseAsync(['scan', '--format', 'table', ...(db ? ['--db', db] : [])], { from: 'user' });
  return context.exitCode;
}

/** `ward demo`: the emulator with the sample tenant, a live scan of it, and what to try next. */
async function runDemo(context: CliContext, options: { readonly db?: string | undefined }): Promise<void> {
  const io = context.io;
  const emulator = await startEmulator({ captureDir: SAMPLE_TENANT_DIR });
  let code: number;
  try {
    io.stdout.write(
      `ward demo: an ARM emulator at ${emulator.url} serves the sample tenant (samples/contoso-tenant, 12 subscriptions);\n` +
        'ward signs in with a service principal, collects every subscription\'s security contacts over HTTPS and scans them.\n\n',
    );
    // a scan that cannot run throws: main reports it (exit 2) once the emulator is closed
    code = await scanLive({ io: { ...io, env: { ...io.env, ...emulator.environment } }, exitCode: EXIT_OK }, options.db);
  } finally {
    await emulator.close();
  }
  io.stdout.write(
    '\nNext:\n' +
      '  npx ward controls show azure-defender-security-contact-email    # the control page, fixes included\n' +
      `  echo '{ connectors(where: { securityContacts_SOME: null }) { id name } }' | npx ward query -\n` +
      '  npx ward findings --status fail                                  # what the scan stored\n' +
      '  npx ward remediate --control azure-defender-security-contact-email --email soc@contoso.com --offline samples/contoso-tenant\n' +
      '  npx ward emulator --capture samples/contoso-tenant --write-env-file .ward/emulator.env   # then: set -a; . .ward/emulator.env; set +a; npx ward scan\n',
  );
  // the demo shows failures on purpose: it succeeds when the scan ran
  context.exitCode = code === EXIT_ERROR ? EXIT_ERROR : EXIT_OK;
}

export const demoActions = { demo: runDemo } as const;
