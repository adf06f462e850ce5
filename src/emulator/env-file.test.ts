import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEnvFileLine, parseEnvFile } from './env-file.js';

test('env file values survive a round trip, quoted for the shell where needed', () => {
  const values = { PLAIN: 'https://127.0.0.1:8443', SECRET: "it's a ~secret$ with spaces", EMPTY: '' };
  const text = `${Object.entries(values).map(([name, value]) => formatEnvFileLine(name, value)).join('\n')}\n`;
  assert.match(text, /^PLAIN=https:\/\/127\.0\.0\.1:8443$/m);
  assert.match(text, /^SECRET='it'\\''s a ~secret\$ with spaces'$/m);
  assert.deepEqual(parseEnvFile(`# written by ward emulator\n${text}`), values);
  assert.throws(() => parseEnvFile('not an assignment'), /not a NAME=value line/);
});
