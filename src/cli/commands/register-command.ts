import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../cli-context.js';

/** Adds one subcommand to the program (one per file of this folder, listed in index.ts). */
export type RegisterCommand = (program: Command, context: CliContext) => void;
