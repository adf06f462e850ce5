import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, lstat, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { replaceFile } from '../io/replace-file.js';
import { formatEnvFileLine, parseEnvFile } from './env-file.js';

test('env file values survive a round trip, quoted for the shell where needed', () => {
  const values = { PLAIN: 'https://127.0.0.1:8443', SECRET: "it's a ~secret$ with spaces", EMPTY: '' };
  const text = `${Object.entries(values).map(([name, value]) => formatEnvFileLine(name, value)).join('\n')}\n`;
  assert.match(text, /^PLAIN=https:\/\/127\.0\.0\.1:8443$/m);
  assert.match(text, /^SECRET='it'\\''s a ~secret\$ with spaces'$/m);
  assert.deepEqual(parseEnvFile(`# written by ward emulator\n${text}`), values);
  assert.throws(() => parseEnvFile('not an assignment'), /not a NAME=value line/);
});

test('replaceFile: exactly the mode asked for, an existing file replaced (not rewritten with its old mode), a symlink replaced, never followed', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ward-replace-file-'));
  const previousUmask = process.umask(0o000); // the mode must not depend on the umask either way
  try {
    const fresh = path.join(dir, 'fresh.env');
    await replaceFile(fresh, 'A=1\n', 0o600);
    assert.equal((await lstat(fresh)).mode & 0o777, 0o600);

    const existing = path.join(dir, 'existing.env');
    await writeFile(existing, 'OLD=1\n', { mode: 0o644 });
    await chmod(existing, 0o644);
    await replaceFile(existing, 'SECRET=2\n', 0o600);
    assert.equal((await lstat(existing)).mode & 0o777, 0o600);
    assert.equal(await readFile(existing, 'utf8'), 'SECRET=2\n');

    const victim = path.join(dir, 'victim.txt');
    await writeFile(victim, 'do not touch\n', { mode: 0o644 });
    const link = path.join(dir, 'link.env');
    await symlink(victim, link);
    await replaceFile(link, 'SECRET=3\n', 0o600);
    assert.equal(await readFile(victim, 'utf8'), 'do not touch\n', 'the symlink target is untouched');
    const written = await lstat(link);
    assert.ok(written.isFile() && !written.isSymbolicLink(), 'the path now holds a regular file');
    assert.equal(written.mode & 0o777, 0o600);
    assert.equal(await readFile(link, 'utf8'), 'SECRET=3\n');

    await assert.rejects(replaceFile(path.join(dir, 'missing-dir', 'x.env'), 'A=1\n', 0o600), /ENOENT/);
    assert.deepEqual((await readdir(dir)).filter((name) => name.endsWith('.tmp')), [], 'no temporary file is left behind');
  } finally {
    process.umask(previousUmask);
    await rm(dir, { recursive: true, force: true });
  }
});
