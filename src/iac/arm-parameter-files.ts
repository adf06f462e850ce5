import { getNodeValue, parseTree, type ParseError } from 'jsonc-parser';
import { WardError } from '../core/errors.js';
import type { ArmParameterValue } from './arm-template.js';
import type { IacScanContext } from './iac-format.js';
import { isObject } from '../core/is-object.js';

/**
 * Reads `--parameters` files (ARM parameters file shape `{"parameters": {"x": {"value": …}}}`; Key Vault
 * `reference` entries stay unknown). Later files win. A file that is not of this shape is an input error.
 */
export async function loadArmParameterFiles(context: IacScanContext): Promise<ReadonlyMap<string, ArmParameterValue>> {
  const key = 'arm:parameters';
  const cached = context.cache.get(key) as Promise<ReadonlyMap<string, ArmParameterValue>> | undefined;
  if (cached) return cached;
  const loading = (async () => {
    const values = new Map<string, ArmParameterValue>();
    for (const file of context.options.parameterFiles) {
      const shown = context.host.displayPath(file);
      let text: string;
      try {
        text = await context.host.readText(file);
      } catch (error) {
        throw new WardError('IAC_INVALID', `cannot read parameters file: ${(error as Error).message}`, { location: { file: shown } });
      }
      for (const [name, value] of Object.entries(parseArmParameterFile(text, shown))) values.set(name, value);
    }
    return values;
  })();
  context.cache.set(key, loading);
  return loading;
}

export function parseArmParameterFile(text: string, shown: string): Record<string, ArmParameterValue> {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const document: unknown = root && errors.length === 0 ? getNodeValue(root) : undefined;
  const parameters = isObject(document) ? document.parameters : undefined;
  if (!isObject(parameters)) {
    throw new WardError('IAC_INVALID', 'not an ARM parameters file', {
      location: { file: shown },
      hint: 'expected {"parameters": {"name": {"value": …}}} (the shape `az deployment … --parameters @file` reads)',
    });
  }
  const result: Record<string, ArmParameterValue> = {};
  for (const [name, entry] of Object.entries(parameters)) {
    if (isObject(entry) && 'value' in entry) result[name] = { value: entry.value, source: shown };
    else if (isObject(entry) && 'reference' in entry) result[name] = { reference: true, source: `a Key Vault reference in ${shown}` };
    else {
      throw new WardError('IAC_INVALID', `parameter ${name} has neither "value" nor "reference"`, { location: { file: shown, field: `parameters.${name}` } });
    }
  }
  return result;
}

