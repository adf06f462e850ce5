import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../cli-context.js';

/** Adds one subcommand to the program. */
export type RegisterCommand = (program: Command, context: CliContext) => void;

/** Every `ward` subcommand: one file in this folder and one line here. */
export const COMMANDS: Readonly<Record<string, RegisterCommand>> = {};
