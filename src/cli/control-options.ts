/**
 * Which controls a command reads: the shipped ones or `--controls DIR`, with ward.yaml and `--param` applied.
 * Loads no GraphQL: describeControls serves the commands that run no check (`ward findings`, `ward exceptions`);
 * the commands that run checks compile them with selectControls (select-controls.ts, apart because compiling a
 * check loads GraphQL, about 0.1 s of a start with its validation).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { WardError } from '../core/errors.js';
import { BUILTIN_CONTROLS_DIR } from '../core/package-paths.js';
import type { ControlDescription } from '../core/model.js';
import { loadControlsDir } from '../io/load-controls-dir.js';
import { applyParameterOverrides, parseParamFlag, parseWardConfig, type ParameterOverride } from '../core/control/control-parameters.js';
import type { CliContext } from './cli-context.js';

/** `--config FILE` and `--param <control-id>.<name>=<value>` (repeatable): control parameter values. */
export interface ParameterFlags {
  readonly config?: string | undefined;
  readonly param?: readonly string[] | undefined;
}

/** The name of the configuration file looked for in the current directory when `--config` is not given. */
export const CONFIG_FILE = 'ward.yaml';

/** Parameter overrides: ward.yaml (from --config, else ./ward.yaml when present), then every --param, later ones winning. */
export function parameterOverrides(context: CliContext, flags: ParameterFlags = {}): ParameterOverride[] {
  const overrides: ParameterOverride[] = [];
  const explicit = flags.config !== undefined;
  const path = resolve(context.io.cwd, flags.config ?? CONFIG_FILE);
  if (explicit || existsSync(path)) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new WardError('CONFIG_INVALID', `cannot read ${flags.config ?? CONFIG_FILE}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
        location: { file: path },
        hint: 'give --config the path of a ward.yaml (controls: { <control-id>: { parameters: { … } } })',
      });
    }
    overrides.push(...parseWardConfig(text, flags.config ?? CONFIG_FILE));
  }
  for (const flag of flags.param ?? []) overrides.push(parseParamFlag(flag));
  return overrides;
}

/** The directory controls are loaded from: `--controls DIR`, else the shipped controls. */
export const controlsRoot = (context: CliContext, directory: string | undefined): string => (directory ? resolve(context.io.cwd, directory) : BUILTIN_CONTROLS_DIR);

/**
 * The loaded controls with the parameter values of ward.yaml and `--param` applied (validated: a bad value stops the
 * command before anything runs); `--control ID` narrows them, an unknown id refused.
 */
export function chooseControls<C extends ControlDescription>(context: CliContext, loaded: readonly C[], ids: readonly string[] | undefined, parameters: ParameterFlags = {}): C[] {
  return narrowControls(applyParameterOverrides(loaded, parameterOverrides(context, parameters)), ids);
}

/** The controls of `ids` (all of them when none is given), in the order given; an unknown id is refused. */
export function narrowControls<C extends ControlDescription>(controls: readonly C[], ids: readonly string[] | undefined): C[] {
  if (!ids || ids.length === 0) return [...controls];
  return ids.map((id) => {
    const control = controls.find((c) => c.id === id);
    if (!control) throw new WardError('NOT_FOUND', `no control ${id}`, { hint: `known controls: ${controls.map((c) => c.id).join(', ')} (ward controls list)` });
    return control;
  });
}

/**
 * The controls as a command that runs no check reads them (chooseControls): control.yaml and each check file read and
 * validated, the checks described, not compiled (ControlDescription).
 */
export function describeControls(context: CliContext, directory: string | undefined, ids: readonly string[] | undefined, parameters: ParameterFlags = {}): ControlDescription[] {
  return chooseControls(context, loadControlsDir(controlsRoot(context, directory), null, context.io.cwd), ids, parameters);
}
