import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isWardError } from '../../core/errors.js';
import type { Capture, CapturedBody } from '../../core/inventory/capture.js';
import { writeCaptureDir } from './write-capture-dir.js';

const SUB = '00000001-0000-4000-8000-000000000001';
const capture = (contacts: ReadonlyArray<readonly [string, unknown]>): Capture => ({
  subscriptions: { body: { value: contacts.map(([id]) => ({ subscriptionId: id })) }, source: 'test' },
  securityContacts: new Map<string, CapturedBody>(contacts.map(([id, body]) => [id, { body, source: 'test' }])),
});

test('writes exactly the capture layout and replaces a previous capture as a whole', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ward-write-'));
  try {
    const out = path.join(dir, 'capture');
    await writeCaptureDir(capture([[SUB, [{ name: 'default' }]], ['00000002-0000-4000-8000-000000000002', { value: [] }]]), out);
    assert.deepEqual(JSON.parse(await readFile(path.join(out, 'subscriptions', SUB, 'securityContacts.json'), 'utf8')), [{ name: 'default' }]);
    await writeCaptureDir(capture([[SUB, { error: { code: 'AuthorizationFailed', message: 'no' } }]]), out);
    assert.deepEqual(await readdir(path.join(out, 'subscriptions')), [SUB], 'no stale subscription survives');
    assert.deepEqual((await readdir(dir)).sort(), ['capture'], 'no staging directory is left behind');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('refuses a non-empty directory that is not a capture, and ids that are not directory-safe', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ward-write-'));
  try {
    await mkdir(path.join(dir, 'other'));
    await writeFile(path.join(dir, 'other', 'notes.txt'), 'keep me');
    await assert.rejects(writeCaptureDir(capture([[SUB, { value: [] }]]), path.join(dir, 'other')), (error) => isWardError(error));
    assert.equal(await readFile(path.join(dir, 'other', 'notes.txt'), 'utf8'), 'keep me');
    await assert.rejects(writeCaptureDir(capture([['../escape', { value: [] }]]), path.join(dir, 'x')), (error) => isWardError(error) && error.code === 'CAPTURE_INVALID');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a directory with a subscriptions.json and anything else (a git repository) is refused and left exactly as it was', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ward-write-'));
  try {
    const repo = path.join(dir, 'repo');
    await mkdir(path.join(repo, '.git', 'objects'), { recursive: true });
    await writeFile(path.join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await writeFile(path.join(repo, 'subscriptions.json'), '{"value": []}\n');
    await writeFile(path.join(repo, 'README.md'), 'my notes\n');
    await assert.rejects(
      writeCaptureDir(capture([[SUB, { value: [] }]]), repo),
      (error) => isWardError(error) && error.code === 'USAGE' && /holds (\.git|README\.md), which is not part of a capture/.test(error.message),
    );
    assert.equal(await readFile(path.join(repo, '.git', 'HEAD'), 'utf8'), 'ref: refs/heads/main\n');
    assert.equal(await readFile(path.join(repo, 'README.md'), 'utf8'), 'my notes\n');
    assert.equal(await readFile(path.join(repo, 'subscriptions.json'), 'utf8'), '{"value": []}\n');
    // a stray file inside a subscription folder is somebody's data too
    const near = path.join(dir, 'near');
    await writeCaptureDir(capture([[SUB, { value: [] }]]), near);
    await writeFile(path.join(near, 'subscriptions', SUB, 'notes.txt'), 'keep');
    await assert.rejects(writeCaptureDir(capture([[SUB, { value: [] }]]), near), /notes\.txt, which is not part of a capture/);
    assert.equal(await readFile(path.join(near, 'subscriptions', SUB, 'notes.txt'), 'utf8'), 'keep');
    // a symbolic link as --out is never replaced
    const { symlink } = await import('node:fs/promises');
    await symlink(near, path.join(dir, 'link'));
    await assert.rejects(writeCaptureDir(capture([[SUB, { value: [] }]]), path.join(dir, 'link')), /is a symbolic link/);
    // exactly a previous capture is replaced, as before
    const clean = path.join(dir, 'clean');
    await writeCaptureDir(capture([[SUB, { value: [] }]]), clean);
    await writeCaptureDir(capture([[SUB, { value: [{ name: 'default' }] }]]), clean);
    assert.match(await readFile(path.join(clean, 'subscriptions', SUB, 'securityContacts.json'), 'utf8'), /default/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
