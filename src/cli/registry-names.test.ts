import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMITTERS } from '../remediation/emitters/index.js';
import { IAC_REPORTS } from '../iac/reports/index.js';
import { REPORTERS } from '../reporters/index.js';
import { EMIT_FORMATS, IAC_REPORT_NAMES, REPORT_FORMATS } from './registry-names.js';

test('the names help and choices print are the registries\' keys, in their order', () => {
  assert.deepEqual(REPORT_FORMATS, Object.keys(REPORTERS));
  assert.deepEqual(IAC_REPORT_NAMES, Object.keys(IAC_REPORTS));
  assert.deepEqual(EMIT_FORMATS, Object.keys(EMITTERS));
});
