/**
 * The options several commands share, spelled and described once: `--format` with its choices, `-o, --output`,
 * `--fail-on`. Commander checks the choices and names the option in its error. Nothing heavy is imported here:
 * `ward --help` loads every command's registration.
 */
import { Option } from '@commander-js/extra-typings';

export const FAIL_ON_LEVELS = ['fail', 'error', 'none'] as const;

/** `--format` of a command whose default is a table for a person and JSON for a program (`defaultFormatFor`). */
export const formatOption = <const F extends string>(formats: readonly F[], what = 'output format') =>
  new Option('--format <format>', `${what} (default: table on a terminal or with --output, json otherwise)`).choices(formats);

/** `--format` with a fixed default: the first of `formats`. */
export const fixedFormatOption = <const F extends string>(formats: readonly F[], what = 'output format') =>
  new Option('--format <format>', `${what} (default: ${formats[0]})`).choices(formats);

export const outputOption = (what = 'the output') => new Option('-o, --output <file>', `write ${what} to this file instead of stdout`);

export const failOnOption = () =>
  new Option('--fail-on <level>', 'what exits 1: fail (a failure or an error; the default), error (only data that could not be read), none (never)').choices(
    FAIL_ON_LEVELS,
  );

/** The spelling `--out` of `ward collect` and `ward policy plan` before `-o, --output`: still accepted, never shown. */
export const legacyOutOption = () => new Option('--out <path>').hideHelp();
