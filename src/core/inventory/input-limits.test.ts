/**
 * One bad value never sinks a scan: a NUL character, a body nested 100,000 deep, 170,000 contacts or an address
 * string past the limits make that subscription an `error` with the reason, and the others are judged and
 * stored. A capture file that is not a regular file, or too large, is an input error naming it: no hang, no crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaptureDir } from '../../connectors/azure/read-capture-dir.js';
import { runScan } from '../../scan/run-scan.js';
import { seedControls } from '../../scan/test-support/tiny-tenant.js';
import { TEST_STORE_KINDS } from '../../store/test-support/test-store.js';
import { INPUT_LIMITS, bodyValueProblem, jsonNestingDepth } from './input-limits.js';
import { normaliseCapture } from './normalise-capture.js';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const good = { value: [{ name: 'default', properties: { emails: 'soc@contoso.com' } }] };

function captureDir(bodies: Record<number, string | null>, subscriptions?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ward-limits-'));
  const ids = Object.keys(bodies).map(Number);
  writeFileSync(join(dir, 'subscriptions.json'), subscriptions ?? JSON.stringify({ value: ids.map((n) => ({ subscriptionId: id(n), displayName: `sub ${n}`, state: 'Enabled' })) }));
  for (const [n, text] of Object.entries(bodies)) {
    if (text === null) continue;
    mkdirSync(join(dir, 'subscriptions', id(Number(n))), { recursive: true });
    writeFileSync(join(dir, 'subscriptions', id(Number(n)), 'securityContacts.json'), text);
  }
  return dir;
}

test('jsonNestingDepth skips strings; bodyValueProblem walks without recursion', () => {
  assert.equal(jsonNestingDepth('{"a": "[[[[", "b": [{"c": "\\"]"}]}'), 3);
  let deep: unknown = 'x';
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.match(bodyValueProblem(deep)!, /nested deeper than 64 levels/);
  assert.equal(bodyValueProblem({ value: [{ properties: { emails: 'a@x.io' } }] }), undefined);
  assert.match(bodyValueProblem({ value: [{ properties: { emails: 'a\u0000@x.io' } }] })!, /value\[0\]\.properties\.emails holds a NUL character/);
});

for (const kind of TEST_STORE_KINDS) {
  test(`a bad value in one subscription makes it an error; the others are judged and the scan is stored (${kind.name})`, { skip: kind.skip }, async () => {
    const manyContacts = JSON.stringify({ value: Array.from({ length: 170_000 }, (_, i) => ({ name: `c${i}` })) });
    const manyAddresses = JSON.stringify({ value: [{ name: 'default', properties: { emails: Array.from({ length: INPUT_LIMITS.addressesPerContact + 1 }, (_, i) => `a${i}@x.io`).join(';') } }] });
    const dir = captureDir({
      1: JSON.stringify(good),
      2: JSON.stringify({ value: [{ name: 'default', properties: { emails: 'soc\u0000@contoso.com' } }] }),
      3: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      4: manyContacts,
      5: manyAddresses,
      6: JSON.stringify({ value: [{ name: 'default', properties: { emails: 'a'.repeat(INPUT_LIMITS.stringLength + 1) } }] }),
    });
    const store = (await kind.open())!;
    try {
      const inventory = normaliseCapture(readCaptureDir(dir, dir));
      const errors = Object.fromEntries(inventory.connectors.map((c) => [c.subscriptionId.slice(-1), c.readError?.message ?? null]));
      assert.equal(errors['1'], null);
      assert.match(errors['2']!, /holds a NUL character/);
      assert.match(errors['3']!, /nested 100,000 levels deep \(limit 64\)/);
      assert.match(errors['4']!, /170,000 security contacts .* \(limit 1,000 per subscription\)/);
      assert.match(errors['5']!, /holds 1,001 addresses \(limit 1,000\)/);
      assert.match(errors['6']!, /characters long \(limit/);
      const result = await runScan({ store, controls: seedControls(), inventory, source: 'offline:limits', now: () => new Date('2026-12-01T00:00:00Z') });
      const statuses = Object.fromEntries(result.findings.map((f) => [f.assetId.slice(-1), f.status]));
      assert.deepEqual(statuses, { 1: 'pass', 2: 'error', 3: 'error', 4: 'error', 5: 'error', 6: 'error' });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a NUL in one subscription entry makes that subscription an error, not the scan', () => {
  const subscriptions = JSON.stringify({ value: [{ subscriptionId: id(1), displayName: 'ok', state: 'Enabled' }, { subscriptionId: id(2), displayName: 'bad\u0000name', state: 'Enabled' }] });
  const dir = captureDir({ 1: JSON.stringify(good), 2: JSON.stringify(good) }, subscriptions);
  try {
    const inventory = normaliseCapture(readCaptureDir(dir, dir));
    assert.equal(inventory.connectors[0]!.readError, null);
    assert.match(inventory.connectors[1]!.readError!.message, /displayName holds a NUL character/);
    assert.equal(inventory.securityContacts.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a FIFO, a device and an oversized file are input errors naming the file; nothing hangs', () => {
  const dir = captureDir({ 1: null, 2: null, 3: null });
  try {
    const folder = (n: number): string => {
      const path = join(dir, 'subscriptions', id(n));
      mkdirSync(path, { recursive: true });
      return join(path, 'securityContacts.json');
    };
    execFileSync('mkfifo', [folder(1)]);
    assert.throws(() => readCaptureDir(dir, dir), /subscriptions\/00000000-0000-4000-8000-000000000001\/securityContacts\.json.*|not a regular file/);
    rmSync(folder(1));
    symlinkSync('/dev/zero', folder(2));
    assert.throws(() => readCaptureDir(dir, dir), (error: Error) => /not a regular file/.test(error.message));
    rmSync(folder(2));
    writeFileSync(folder(3), `{"value": [], "pad": "${'x'.repeat(INPUT_LIMITS.contactsFileBytes)}"}`);
    assert.throws(() => readCaptureDir(dir, dir), /bytes, past the limit of 8,388,608/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('each limit holds at its edge: exactly the limit is data, one more is an error', () => {
  const nested = (levels: number): unknown => {
    let value: unknown = 'x';
    for (let i = 0; i < levels; i++) value = [value];
    return value;
  };
  assert.equal(bodyValueProblem(nested(INPUT_LIMITS.jsonDepth)), undefined);
  assert.match(bodyValueProblem(nested(INPUT_LIMITS.jsonDepth + 1))!, /nested deeper than 64/);
  assert.equal(bodyValueProblem('a'.repeat(INPUT_LIMITS.stringLength)), undefined);
  assert.match(bodyValueProblem('a'.repeat(INPUT_LIMITS.stringLength + 1))!, /characters long/);
  const at = (contacts: number, addresses: number) =>
    normaliseCapture({
      subscriptions: { body: { value: [{ subscriptionId: id(1), state: 'Enabled' }] }, source: 'subscriptions.json' },
      securityContacts: new Map([
        [
          id(1),
          {
            body: { value: Array.from({ length: contacts }, (_, i) => ({ name: `c${i}`, properties: { email: Array.from({ length: addresses }, (_, k) => `a${k}@x.io`).join(';') } })) },
            source: 'contacts.json',
          },
        ],
      ]),
    }).connectors[0]!.readError;
  assert.equal(at(INPUT_LIMITS.contactsPerSubscription, 1), null);
  assert.equal(at(INPUT_LIMITS.contactsPerSubscription + 1, 1)?.code, 'InputLimit');
  assert.equal(at(1, INPUT_LIMITS.addressesPerContact), null);
  assert.equal(at(1, INPUT_LIMITS.addressesPerContact + 1)?.code, 'InputLimit');
});
