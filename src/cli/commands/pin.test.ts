import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { seedControls, tinyTenant } from '../../scan/test-support/tiny-tenant.js';
import { parsePinReason, PIN_REASON_MAX } from './pin-actions.js';
import { freshStoreDir, runWard, scanInto } from './test-support/fake-cli-io.js';

const now = () => new Date('2026-03-10T00:00:00Z');
const QUERY_STDIN = '{ connectors { id name } }';

test('a pin reason is one line of 1 to 500 characters', () => {
  assert.equal(parsePinReason('  SOC 2 audit, FY2026 '), 'SOC 2 audit, FY2026');
  assert.equal(parsePinReason('x'.repeat(PIN_REASON_MAX)).length, PIN_REASON_MAX);
  for (const bad of ['', '   ', 'x'.repeat(PIN_REASON_MAX + 1), 'two\nlines', 'tab\there', 'esc \u001b[31m red', 'bell \u0007']) {
    assert.throws(() => parsePinReason(bad), /^WardError: --reason/, JSON.stringify(bad));
  }
});

test('ward pin, ward scans, ward query --scan, ward prune and ward unpin as users run them', async () => {
  const db = await freshStoreDir();
  try {
    const ward = (argv: string[], stdin?: string) => runWard([...argv, '--db', db], { cwd: db, now, ...(stdin === undefined ? {} : { stdin }) });
    const none = await ward(['pin', 'latest', '--reason', 'audit']);
    assert.deepEqual([none.code, none.stderr.split('\n')[0]], [2, 'ward: no complete scan to pin yet']);

    await scanInto(db, [{ inventory: tinyTenant({ a: 'fail', b: 'pass' }), at: '2026-03-01T00:00:00Z' }], seedControls());
    const pinned = await ward(['pin', 'latest', '--reason', 'SOC 2 audit, FY2026', '--actor', 'auditor@contoso.com', '--format', 'table']);
    assert.equal(pinned.code, 0, pinned.stderr);
    assert.equal(pinned.stdout.split('\n')[0]!.replace(/\(\d+(\.\d)? \w*B\)/, '(SIZE)'), 'ward pin: scan #1 is pinned (SOC 2 audit, FY2026); it keeps 2 subscriptions and 1 security contact (SIZE) and its findings through ward prune');
    const again = JSON.parse((await ward(['pin', '1', '--reason', 'other', '--format', 'json'])).stdout) as { created: boolean; reason: string; pinnedBy: string };
    assert.deepEqual([again.created, again.reason, again.pinnedBy], [false, 'SOC 2 audit, FY2026', 'auditor@contoso.com']);

    await scanInto(db, [{ inventory: tinyTenant({ c: 'pass' }), at: '2026-03-02T00:00:00Z' }, { inventory: tinyTenant({ c: 'fail' }), at: '2026-03-03T00:00:00Z' }], seedControls());
    const late = await ward(['pin', '2', '--reason', 'too late']);
    assert.equal(late.code, 2);
    assert.match(late.stderr, /^ward: the inventory of scan 2 is no longer stored: scan 3 completed after it and replaced it\n  hint: .*ward pin latest/);
    for (const argv of [['pin', 'two', '--reason', 'x'], ['pin', '1'], ['pin', '1', '--reason', 'a\nb'], ['pin', '1', '--reason', 'ok', '--actor', 'x\u001b]0;'], ['unpin', '3']]) {
      const run = await ward(argv);
      assert.equal(run.code, 2, argv.join(' '));
      assert.equal(run.stdout, '', argv.join(' '));
    }

    const scans = JSON.parse((await ward(['scans', '--format', 'json'])).stdout) as { id: number; pin?: { reason: string } }[];
    assert.deepEqual(scans.map((s) => [s.id, s.pin?.reason ?? null]), [[1, 'SOC 2 audit, FY2026'], [2, null], [3, null]]);
    assert.match((await ward(['scans', '--format', 'table'])).stdout, /\n1 +complete, pinned +2026-03-01/);

    const ids = async (argv: string[]) => {
      const run = await ward(['query', '-', ...argv], QUERY_STDIN);
      assert.equal(run.code, 0, run.stderr);
      return (JSON.parse(run.stdout) as { data: { connectors: { id: string }[] } }).data.connectors.map((c) => c.id);
    };
    assert.deepEqual(await ids(['--scan', '1']), ['/subscriptions/a', '/subscriptions/b'], 'the pinned copy');
    assert.deepEqual(await ids(['--scan', '3']), ['/subscriptions/c'], 'the latest scan: the stored inventory');
    assert.deepEqual(await ids([]), ['/subscriptions/c'], 'the stored inventory is unchanged');
    const gone = await ward(['query', '-', '--scan', '2'], QUERY_STDIN);
    assert.deepEqual([gone.code, gone.stderr.split('\n')[0]], [2, 'ward: the inventory of scan 2 is not kept: scan 3 replaced it, and scan 2 is not pinned']);
    assert.match((await ward(['query', '-', '--scan', '1', '--offline', '.'], QUERY_STDIN)).stderr, /^ward: give --offline or --scan, not both/);

    const prune = await ward(['prune', '--keep-scans', '1', '--format', 'table']);
    assert.equal(prune.code, 0, prune.stderr);
    assert.match(prune.stdout, /scan #1 is pinned \(SOC 2 audit, FY2026\): it and the scans after it keep their findings \(ward unpin 1 releases it\)/);
    assert.equal((await ward(['findings', '--scan', '1', '--format', 'json'])).code, 1, 'the pinned scan still has its findings (a failure: exit 1)');

    const unpinned = await ward(['unpin', '1', '--format', 'json']);
    assert.equal(unpinned.code, 0, unpinned.stderr);
    assert.deepEqual(JSON.parse(unpinned.stdout), { ...JSON.parse(unpinned.stdout), scan: 1, removed: true, connectors: 2, securityContacts: 1 });
    const released = JSON.parse((await ward(['prune', '--keep-scans', '1', '--format', 'json'])).stdout) as { keptFrom: number; heldByPin: unknown };
    assert.deepEqual([released.keptFrom, released.heldByPin], [3, null]);
  } finally {
    rmSync(db, { recursive: true, force: true });
  }
});
