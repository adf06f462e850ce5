import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CSV_COLUMNS, csvField, csvReporter } from './csv-reporter.js';
import { HOSTILE_NAME, sampleReport } from './test-support/sample-report.js';

/** A small RFC 4180 reader, to read the report back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 1);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), (i += 1);
    else field += c;
  }
  return rows;
}

test('csv fields are quoted per RFC 4180 and formula-looking values are defused', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('=1+1'), "'=1+1");
  assert.equal(csvField(null), '');
});

test('the csv report reads back to one row per finding with the exception columns', () => {
  const text = csvReporter(sampleReport(), { colour: false });
  assert.ok(text.endsWith('\r\n'));
  const rows = parseCsv(text);
  assert.deepEqual(rows[0], [...CSV_COLUMNS]);
  assert.equal(rows.length, 7);
  const byAsset = (suffix: string) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, rows.find((r) => r[2]!.endsWith(suffix))![i]]));
  assert.equal(byAsset('02').assetName, HOSTILE_NAME);
  assert.equal(byAsset('02').reason, 'the address is empty <b>bold</b>\nsecond line', 'the plain reason');
  assert.equal(byAsset('02').matched, 'azure-defender-security-contact-email/check: {securityContacts_SOME: {email: ""}}', 'and what the check matched');
  assert.equal(byAsset('01').matched, '');
  assert.deepEqual([byAsset('04').status, byAsset('04').originalStatus, byAsset('04').exceptionId, byAsset('04').exceptionOwner, byAsset('04').exceptionExpires], ['excepted', 'fail', 'EX-1', 'secops@contoso.com', '2026-06-30']);
  assert.deepEqual([byAsset('05').status, byAsset('05').expiredExceptionId], ['fail', 'EX-2']);
  assert.equal(byAsset('01').firstSeen, '2026-03-01T00:00:00.000Z');
});
