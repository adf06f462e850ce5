/**
 * The meta-test: every control folder loads, every check validates against the inventory schema, and every
 * fixture capture (fixtures/<name>/ with an expected.json) gives exactly its expected verdicts, on PGlite and
 * on PostgreSQL. Adding a control adds a folder, and this test covers it with no new code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCaptureDir } from '../src/connectors/azure/read-capture-dir.js';
import { normaliseCapture } from '../src/core/inventory/normalise-capture.js';
import { loadControls } from '../src/scan/load-controls.js';
import { loadControlsDir } from '../src/io/load-controls-dir.js';
import { runScan } from '../src/scan/run-scan.js';
import { applyParameterOverrides } from '../src/core/control/control-parameters.js';
import { TEST_STORE_KINDS } from '../src/store/test-support/test-store.js';

const root = fileURLToPath(new URL('./', import.meta.url));
const controls = loadControls(root, root);

test('at least the seed control is present and its check is the seed query verbatim', () => {
  const control = controls.find((c) => c.id === 'azure-defender-security-contact-email');
  assert.ok(control);
  assert.equal(control.checks[0]!.name, 'Azure connectors without security contact additional email addresses');
  assert.equal(control.checks[0]!.expect.source, 'eq []');
  assert.match(control.checks[0]!.query, /\{ securityContacts_SOME: null \}\n\{ securityContacts_SOME: \{ email: null \} \}\n\{ securityContacts_SOME: \{ email: "" \} \}/);
});

test('every control loads described (for the commands that run no check) as it loads compiled, less what compiling adds', () => {
  const described = loadControlsDir(root, null, root);
  assert.deepEqual(
    described.map((c) => c.id),
    controls.map((c) => c.id),
  );
  for (const [index, control] of controls.entries()) {
    const checks = control.checks.map(({ id, name, file, query, expect }) => ({ id, name, file, query, expect }));
    assert.deepEqual(described[index], { ...control, checks }, control.id);
  }
});

for (const control of controls) {
  const fixtureDir = join(root, control.directory, 'fixtures');
  if (!existsSync(fixtureDir)) {
    test(`${control.id} has fixtures`, () => assert.fail(`no fixtures/ folder in ${control.directory}`));
    continue;
  }
  for (const fixture of readdirSync(fixtureDir)) {
    const dir = join(fixtureDir, fixture);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { expected: Record<string, string>; parameters?: Record<string, unknown> };
    // a fixture may run the control with parameter values other than the defaults
    const overrides = Object.entries(expected.parameters ?? {}).map(([name, value]) => ({ controlId: control.id, name, value, fromText: false, location: { file: join(dir, 'expected.json') } }));
    const [configured] = applyParameterOverrides([control], overrides);
    for (const kind of TEST_STORE_KINDS) {
      test(`${control.id} / ${fixture} gives the expected verdicts on ${kind.name}`, { skip: kind.skip }, async () => {
        const store = (await kind.open())!;
        try {
          const capture = readCaptureDir(dir);
          const inventory = normaliseCapture(capture);
          const names = new Map(inventory.connectors.map((c) => [c.id, c.name]));
          const result = await runScan({ store, controls: [configured!], inventory, source: `fixture:${fixture}`, now: () => new Date('2026-11-24T12:00:00Z') });
          const actual: Record<string, string> = {};
          for (const finding of result.findings) actual[finding.assetId] = finding.status;
          const mismatches = Object.entries(expected.expected)
            .filter(([asset, status]) => actual[asset] !== status)
            .map(([asset, status]) => `${names.get(asset) ?? asset}: expected ${status}, got ${actual[asset]}`);
          assert.deepEqual(mismatches, []);
          assert.equal(Object.keys(actual).length, Object.keys(expected.expected).length);
        } finally {
          await store.close();
        }
      });
    }
  }
}
