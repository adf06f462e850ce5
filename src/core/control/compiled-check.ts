import type { Check, CheckDescription } from '../model.js';

/**
 * The check as compiled (a Check: what its query selects, its reasons), or undefined when it was only described
 * (ControlDescription: loaded by a command that runs no check). Readers that show what a check selects use it, and
 * the commands that feed them compile the checks first (READS_CHECKS in reporters/index.ts).
 */
export function compiledCheck(check: CheckDescription): Check | undefined {
  return 'assetType' in check && 'rootField' in check ? (check as Check) : undefined;
}
