import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLocation, WardError } from '../errors.js';
import { parseExceptionsFile } from './parse-exceptions-file.js';

// called on its own, with nothing else loaded first: the parser is a pure function of its text
test('parseExceptionsFile reads entries with the line of each field', () => {
  const text = [
    '# reviewed in git',
    'version: 1',
    'exceptions:',
    '  - id: EX-4',
    '    control: c',
    '    asset: /subscriptions/x',
    '    owner: secops@contoso.com',
    '    expires: 2026-06-30',
    '    reason: 1234567890',
    '  - control: c',
    '    asset: /subscriptions/*',
    '',
  ].join('\n');
  const entries = parseExceptionsFile(text, 'exceptions.yaml');
  assert.deepEqual(entries[0], {
    index: 0, id: 'EX-4', controlId: 'c', assetId: '/subscriptions/x', owner: 'secops@contoso.com', expires: '2026-06-30', reason: '1234567890',
    line: 4, lines: { id: 4, control: 5, asset: 6, owner: 7, expires: 8, reason: 9 },
  });
  assert.deepEqual([entries[1]!.id, entries[1]!.owner, entries[1]!.line, entries[1]!.lines], [undefined, undefined, 10, { control: 10, asset: 11 }]);
  assert.deepEqual(parseExceptionsFile('version: 1\nexceptions:\n', 'f.yaml'), []);
  assert.deepEqual(parseExceptionsFile('version: 1\n', 'f.yaml'), []);
});

test('a malformed exceptions file is refused by its schema, naming the file, the line and the field', () => {
  const refused = (text: string): string => {
    try {
      parseExceptionsFile(text, 'ex.yaml');
    } catch (error) {
      assert.ok(error instanceof WardError);
      assert.equal(error.code, 'EXCEPTION_INVALID');
      return `${formatLocation(error.location)}: ${error.message}`;
    }
    assert.fail(`accepted: ${text}`);
  };
  const entry = '  - control: c\n    asset: /subscriptions/x\n';
  const cases: [string, string][] = [
    ['', 'ex.yaml:1: an exceptions file is a mapping with `version: 1` and `exceptions:`'],
    ['- a\n- b\n', 'ex.yaml:1: an exceptions file is a mapping with `version: 1` and `exceptions:`'],
    ['exceptions: []\n', 'ex.yaml:1 (version): version must be 1'],
    ['version: 2\n', 'ex.yaml:1 (version): version must be 1'],
    ['version: 1\nexception: []\n', 'ex.yaml:2 (exception): unknown key "exception"'],
    ['version: 1\nexceptions: {a: 1}\n', 'ex.yaml:2 (exceptions): exceptions must be a list'],
    ['version: 1\nexceptions:\n  - just text\n', 'ex.yaml:3 (exceptions[0]): each exception is a mapping of id, control, asset, owner, expires, reason'],
    [`version: 1\nexceptions:\n${entry}    ownr: a@contoso.com\n`, 'ex.yaml:5 (exceptions[0].ownr): unknown field "ownr"'],
    [`version: 1\nexceptions:\n${entry}${entry}    owner:\n`, 'ex.yaml:7 (exceptions[1].owner): owner must be a single value (not empty, a list or a mapping)'],
    [`version: 1\nexceptions:\n${entry}    reason: [a, b]\n`, 'ex.yaml:5 (exceptions[0].reason): reason must be a single value (not empty, a list or a mapping)'],
    [`version: 1\nexceptions:\n  - id: "EX 1"\n`, 'ex.yaml:3 (exceptions[0].id): id "EX 1" is not a valid exception id'],
    [`version: 1\nexceptions:\n  - id: EX-1\n  - id: EX-1\n`, 'ex.yaml:4 (exceptions[1].id): id EX-1 is listed twice (first on line 3)'],
    [`version: 1\nversion: 1\n`, 'ex.yaml:2: not valid YAML: Map keys must be unique'],
  ];
  for (const [text, message] of cases) assert.equal(refused(text), message, JSON.stringify(text));
});
