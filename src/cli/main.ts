import { Command, CommanderError } from '@commander-js/extra-typings';
import { formatWardError, isWardError } from '../core/errors.js';
import { EXIT_ERROR, EXIT_OK, processIo, type CliContext, type CliIo } from './cli-context.js';
import { COMMANDS } from './commands/index.js';
import { addExitCodesHelp } from './exit-codes-help.js';
import { InterruptedError } from './interruptible.js';
import { addLockTimeoutOption } from './lock-timeout-option.js';


/** The whole command tree (for `main`, and for tests that walk every command). */
export function buildProgram(context: CliContext): Command {
  const program = new Command()
    .name('ward')
    .description('Keeps Azure tenants compliant with security controls: scan, report, except and remediate.')
    .version('0.1.0')
    .showHelpAfterError('  hint: add --help for the usage')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void context.io.stdout.write(text),
      writeErr: (text) => void context.io.stderr.write(text),
      // a usage error commander finds (an unknown option, a value outside its choices) reads as ward's own: one line and a hint
      outputError: (text, write) => write(`ward: ${text.replace(/^error: /, '')}`),
    })
    .addHelpText(
      'after',
      '\nExit codes: 0 all checks pass, 1 a check failed or could not read its data, 2 usage, input or tool error.\n' +
        'Store: an embedded PostgreSQL (PGlite) in ./.ward/db, or --db DIR | postgres://…, or WARD_DB. One ward process\n' +
        'uses an embedded store at a time; the others wait up to --lock-timeout seconds (or WARD_LOCK_TIMEOUT).',
    );
  for (const register of Object.values(COMMANDS)) register(program, context);
  addExitCodesHelp(program);
  addLockTimeoutOption(program, context);
  return program;
}

/** Runs the ward CLI on `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const context: CliContext = { io, exitCode: EXIT_OK };
  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // help and version exit 0; commander already printed its own usage message
    return error.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
  }
  if (isWardError(error)) {
    io.stderr.write(`ward: ${formatWardError(error)}\n`);
    return EXIT_ERROR;
  }
  if (error instanceof InterruptedError) {
    // Ctrl-C or SIGTERM: what was stopped and what became of it, and the shell's exit code for that signal
    io.stderr.write(`ward: ${error.message}\n`);
    return error.exitCode;
  }
  io.stderr.write(`ward: internal error (a bug; please report it with this output)\n${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT_ERROR;
}
