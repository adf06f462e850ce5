import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * A validator of the official SARIF 2.1.0 JSON schema (src/reporters/test-data). The schema is draft-04; Ajv 8
 * reads it once `id` is spelled `$id` and the draft URI is dropped.
 */
export function sarifValidator() {
  const schema = JSON.parse(readFileSync(new URL('../test-data/sarif-2.1.0-rtm.5.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile({ $id: id as string, ...rest });
}
