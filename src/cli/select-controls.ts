/**
 * The controls a command runs, their checks compiled (GraphQL: see control-options.ts for the commands that run
 * none): the shipped ones or `--controls DIR`, with ward.yaml and `--param` applied, narrowed by `--control ID`.
 */
import type { Control } from '../core/model.js';
import { loadControls } from '../scan/load-controls.js';
import type { CliContext } from './cli-context.js';
import { chooseControls, controlsRoot, type ParameterFlags } from './control-options.js';

export function selectControls(context: CliContext, directory: string | undefined, ids: readonly string[] | undefined, parameters: ParameterFlags = {}): Control[] {
  return chooseControls(context, loadControls(controlsRoot(context, directory), context.io.cwd), ids, parameters);
}
