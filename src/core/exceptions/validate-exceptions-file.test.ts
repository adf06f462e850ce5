import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compileAtRunTime, SCHEMA_VALIDATORS, schemaValidatorModule, variationsOf } from '../control/test-support/schema-validator-module.js';
import { validateExceptionsFile } from './validate-exceptions-file.js';

const target = SCHEMA_VALIDATORS.find((entry) => entry.exportName === 'validateExceptionsFile')!;

test('validate-exceptions-file.ts is what ajv generates from EXCEPTIONS_FILE_SCHEMA as it stands', () => {
  const committed = readFileSync(new URL('./validate-exceptions-file.ts', import.meta.url), 'utf8');
  assert.equal(committed, schemaValidatorModule(target), 'exceptions-file-schema.ts or ajv changed: run npm run generate:validators');
});

test('the precompiled validator judges exceptions files and their variations as ajv does at run time, with the same first error', () => {
  const file = {
    version: 1,
    exceptions: [
      { id: 'EX-4', control: 'c', asset: '/subscriptions/x', owner: 'secops@contoso.com', expires: '2026-06-30', reason: 1234567890 },
      { control: 'c', asset: '/subscriptions/*', owner: true, id: 'bad id!' },
    ],
  };
  const atRunTime = compileAtRunTime(target);
  let refused = 0;
  for (const variation of [...variationsOf(file), { version: 1, exceptions: null }, { version: 2 }, 'version: 1', null]) {
    const verdict = validateExceptionsFile(variation);
    assert.equal(verdict, atRunTime(variation));
    assert.deepEqual(validateExceptionsFile.errors ?? null, atRunTime.errors ?? null);
    if (!verdict) refused += 1;
  }
  assert.ok(refused > 50, `the variations include many refused files (${refused})`);
});
