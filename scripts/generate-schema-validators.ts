/**
 * Writes the precompiled JSON Schema validators of the core (src/core/control/validate-control-schema.ts,
 * src/core/exceptions/validate-exceptions-file.ts) with ajv's standalone code generation. The schemas stay the ones
 * to edit; validate-control-schema.test.ts and validate-exceptions-file.test.ts fail while a module differs from
 * what this writes.
 * Run: npm run generate:validators
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCHEMA_VALIDATORS, schemaValidatorModule } from '../src/core/control/test-support/schema-validator-module.js';

for (const target of SCHEMA_VALIDATORS) {
  const path = fileURLToPath(new URL(`../${target.modulePath}`, import.meta.url));
  writeFileSync(path, schemaValidatorModule(target));
  console.log(`wrote ${path}`);
}
