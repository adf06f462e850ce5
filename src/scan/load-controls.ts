import { loadControlsDir } from '../io/load-controls-dir.js';
import { WardError } from '../core/errors.js';
import type { Control } from '../core/model.js';
import { validateQuery } from '../core/query/execute-query.js';

/** Loads and validates the controls below `directory`, every check against the inventory schema. */
export function loadControls(directory: string, cwd = process.cwd()): Control[] {
  return loadControlsDir(
    directory,
    (query, source) => {
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
    cwd,
  );
}
