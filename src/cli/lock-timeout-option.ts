/**
 * `--lock-timeout <seconds>`: how long a command waits for the embedded store while another ward process holds it
 * (a `ward findings` reading for a moment must not make a long scan fail). Every command that opens the store
 * takes it; WARD_LOCK_TIMEOUT sets it for a shell or a container. A PostgreSQL server needs no lock.
 */
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { usageError, type CliContext } from './cli-context.js';

export const DEFAULT_LOCK_TIMEOUT_SECONDS = 10;

const chosen = new WeakMap<CliContext, number>();

export function parseLockTimeout(value: string, name = '--lock-timeout'): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw usageError(`${name} must be a number of seconds (0 or more), got ${JSON.stringify(value)}`, '0 fails at once when another ward process uses the store');
  }
  return seconds;
}

/** Commands with `--db` that open no store themselves: `demo` runs `ward scan` with flags of its own. */
const WITHOUT_STORE = new Set(['demo']);

/** Adds `--lock-timeout` to every command that opens the store (those with `--db`), at any depth. */
export function addLockTimeoutOption(program: CommandUnknownOpts, context: CliContext): void {
  const visit = (parent: CommandUnknownOpts): void => {
    for (const command of parent.commands) {
      if (command.options.some((option) => option.long === '--db') && !WITHOUT_STORE.has(command.name())) {
        command.option(
          '--lock-timeout <seconds>',
          `wait this long for the embedded store while another ward process uses it (default: $WARD_LOCK_TIMEOUT or ${DEFAULT_LOCK_TIMEOUT_SECONDS})`,
          (value: string) => {
            const seconds = parseLockTimeout(value);
            chosen.set(context, seconds);
            return seconds;
          },
        );
      }
      visit(command);
    }
  };
  visit(program);
}

/** The lock timeout of this run, in milliseconds: `--lock-timeout`, else WARD_LOCK_TIMEOUT, else the default. */
export function lockTimeoutMs(context: CliContext): number {
  const flag = chosen.get(context);
  if (flag !== undefined) return flag * 1000;
  const env = context.io.env.WARD_LOCK_TIMEOUT;
  return (env === undefined || env === '' ? DEFAULT_LOCK_TIMEOUT_SECONDS : parseLockTimeout(env, 'WARD_LOCK_TIMEOUT')) * 1000;
}
