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
