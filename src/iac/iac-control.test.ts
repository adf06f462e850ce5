import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_CONTROLS_DIR } from '../core/package-paths.js';
import { loadControls } from '../scan/load-controls.js';
import { IAC_CONTROL } from './iac-control.js';

test('the control ward iac judges says what the control folder says', () => {
  const control = loadControls(BUILTIN_CONTROLS_DIR).find((c) => c.id === IAC_CONTROL.id);
  assert.ok(control, `no control ${IAC_CONTROL.id} in controls/`);
  assert.equal(IAC_CONTROL.title, control.title);
  assert.equal(IAC_CONTROL.severity, control.severity);
  assert.deepEqual(
    [...IAC_CONTROL.frameworks],
    control.frameworks.map((f) => `${f.framework} ${f.version} ${f.requirement}`),
  );
});
