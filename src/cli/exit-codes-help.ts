/** The exit codes at the end of every command's `--help`: 0 all pass, 1 findings, 2 usage or tool error, per command. */
import type { Command } from '@commander-js/extra-typings';

const USAGE = '2 usage, input or tool error';

/** By command path (`remediate rollback`); a command not named here gets DEFAULT. `null`: its help says it already. */
const EXIT_CODES: Readonly<Record<string, string | null>> = {
  scan: `0 every evaluated check passes (or --fail-on none), 1 a check failed or could not read its data (--fail-on error: only could not read), ${USAGE}`,
  findings: `0 every finding shown passes (or --fail-on none), 1 one failed or could not read its data (--fail-on error: only could not read), ${USAGE}`,
  diff: `0 compared (with --fail-on-new: and nothing is new), 1 --fail-on-new and the later scan has new problems, ${USAGE}`,
  remediate: `0 nothing to change, material emitted, or every batch applied and verified; 1 the dry-run plan has changes, or --apply stopped or deferred some; ${USAGE}, or --apply not confirmed`,
  'remediate rollback': `0 every change restored, 1 some were refused (changed since the run: --force restores them), ${USAGE}, or not confirmed`,
  demo: `0 the scan ran (the sample tenant fails on purpose), ${USAGE}`,
  emulator: `0 stopped by SIGINT or SIGTERM, ${USAGE} (a bad flag, a port in use, an unreadable capture)`,
  serve: `0 stopped by SIGINT or SIGTERM, ${USAGE} (a bad flag, a non-loopback --host without --tokens-file, a port in use, the store busy)`,
  'connectors test': `0 signed in and read every subscription in scope, 1 some subscriptions could not be read, ${USAGE}, or the sign-in or the listing failed`,
  worker: `0 stopped by SIGINT or SIGTERM, ${USAGE} (a bad flag, an embedded store: workers need PostgreSQL)`,
  iac: null,
};
const DEFAULT = `0 done, ${USAGE}`;

function pathOf(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent as Command | null) names.unshift(at.name());
  return names.join(' ');
}

/** Adds the exit codes to the help of every subcommand of `program`, at any depth. */
export function addExitCodesHelp(program: Command): void {
  for (const command of program.commands as readonly Command[]) {
    const codes = EXIT_CODES[pathOf(command)];
    if (codes !== null) command.addHelpText('after', `\nExit codes: ${codes ?? DEFAULT}.`);
    addExitCodesHelp(command);
  }
}
