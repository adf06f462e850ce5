import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CSS } from '../../reporters/html-reporter.js';
import { WARD_CSS } from './page-css.js';

test('WARD_CSS is the report stylesheet plus the dashboard rules, with phone-width rules and visible focus', () => {
  assert.ok(WARD_CSS.startsWith(CSS));
  assert.match(WARD_CSS, /@media \(max-width:720px\)/);
  assert.match(WARD_CSS, /:focus-visible[^{]*\{outline:3px solid/);
  assert.match(WARD_CSS, /\.table-wrap\{overflow-x:auto/);
  assert.doesNotMatch(WARD_CSS, /url\(|@import|expression\(/, 'no external resource: the CSP allows only this stylesheet');
});
