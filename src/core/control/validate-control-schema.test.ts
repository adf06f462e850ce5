import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { compileAtRunTime, SCHEMA_VALIDATORS, schemaValidatorModule, variationsOf } from './test-support/schema-validator-module.js';
import { validateControlSchema } from './validate-control-schema.js';

const target = SCHEMA_VALIDATORS.find((entry) => entry.exportName === 'validateControlSchema')!;

test('validate-control-schema.ts is what ajv generates from CONTROL_SCHEMA as it stands', () => {
  const committed = readFileSync(new URL('./validate-control-schema.ts', import.meta.url), 'utf8');
  assert.equal(committed, schemaValidatorModule(target), 'control-schema.ts or ajv changed: run npm run generate:validators');
});

test('the precompiled validator judges every control and its variations as ajv does at run time, with the same first error', () => {
  const controlsDir = new URL('../../../controls/azure/defender/', import.meta.url);
  const documents = readdirSync(controlsDir).map((name) => parse(readFileSync(new URL(`${name}/control.yaml`, controlsDir), 'utf8')) as unknown);
  assert.ok(documents.length > 0);
  const atRunTime = compileAtRunTime(target);
  let refused = 0;
  for (const document of documents) {
    for (const variation of variationsOf(document)) {
      const verdict = validateControlSchema(variation);
      assert.equal(verdict, atRunTime(variation));
      assert.deepEqual(validateControlSchema.errors ?? null, atRunTime.errors ?? null);
      if (!verdict) refused += 1;
    }
  }
  assert.ok(refused > 100, `the variations include many refused documents (${refused})`);
});
