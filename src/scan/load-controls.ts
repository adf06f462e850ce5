import { loadControlsDir } from '../io/load-controls-dir.js';
import { WardError } from '../core/errors.js';
import type { Control } from '../core/model.js';
import { resolveCheckReasons } from '../core/control/check-reasons.js';
import type { CheckCompiler } from '../core/control/parse-control.js';
import { validateQuery } from '../core/query/execute-query.js';

/** Every check's query validated against the inventory schema, and its reasons matched to its filter. */
const COMPILER: CheckCompiler = {
  validateQuery: (query, source) => {
    const { rootFields, variables } = validateQuery(query, source);
    const [only] = rootFields;
    if (!only || rootFields.length !== 1) {
      throw new WardError('CONTROL_INVALID', `a check selects exactly one root field; this one selects ${rootFields.length}`, {
        location: { file: source },
        hint: 'split it into one .graphql file per check',
      });
    }
    return { rootField: only.responseKey, typeName: only.typeName, variables };
  },
  resolveReasons: resolveCheckReasons,
};

/** Loads and validates the controls below `directory`, every check against the inventory schema. */
export function loadControls(directory: string, cwd = process.cwd()): Control[] {
  return loadControlsDir(directory, COMPILER, cwd);
}
