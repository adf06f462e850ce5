import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeHclError, parseHcl } from './hcl-parser.js';

describe('parseHcl', () => {
  it('returns hcl2json bodies, expressions as ${…} strings', async () => {
    const parsed = await parseHcl('resource "a" "b" {\n  email = var.x\n}\n');
    assert.deepEqual(parsed, { ok: true, body: { resource: { a: { b: [{ email: '${var.x}' }] } } } });
  });

  it('returns syntax errors as data with line and column', async () => {
    const parsed = await parseHcl('resource "a" "b" {\n  email =\n}\n');
    assert.equal(parsed.ok, false);
    if (!parsed.ok) {
      assert.deepEqual([parsed.line, parsed.column], [2, 10]);
      assert.match(parsed.message, /^Invalid expression/);
    }
  });

  it('reads the first of several diagnostics', () => {
    assert.deepEqual(describeHclError('parse config: [source.hcl:4,9-5,1: Invalid multi-line string; Quoted. source.hcl:4,9-5,1: Unterminated; No marker.]'), {
      line: 4,
      column: 9,
      message: 'Invalid multi-line string; Quoted.',
    });
  });
});
