/** Test support: the seed control with one check of the test's own, as a control author would write it. */
import { parseExpectation } from '../../core/control/parse-expectation.js';
import type { Control, ControlParameter, ParameterValue } from '../../core/model.js';
import { validateQuery } from '../../core/query/execute-query.js';
import { seedControls } from './tiny-tenant.js';

export interface VariantParameter {
  readonly parameter: ControlParameter;
  readonly value: ParameterValue;
}

/** A control whose only check is `query` (expectation `eq []` unless given), with the given parameters in force. */
export function variantControl(query: string, options: { expect?: string; parameters?: readonly VariantParameter[] } = {}): Control {
  const base = seedControls()[0]!;
  const { rootFields, variables } = validateQuery(query, 'variant.graphql');
  const root = rootFields[0]!;
  const parameters = options.parameters ?? [];
  return {
    ...base,
    id: 'test-variant-control',
    assetTypes: ['Connector', 'SecurityContact'],
    checks: [
      {
        id: 'test-variant-control/variant',
        name: 'variant',
        file: 'variant.graphql',
        query,
        expect: parseExpectation(options.expect ?? 'eq []'),
        rootField: root.responseKey,
        assetType: root.typeName,
        variables,
      },
    ],
    parameters: parameters.map((p) => p.parameter),
    parameterValues: Object.fromEntries(parameters.map((p) => [p.parameter.name, p.value])),
  };
}
