import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { seedControls, tinyTenant } from '../../scan/test-support/tiny-tenant.js';
import { formatBytes, parseKeepScans, parseOlderThan, parsePruneRule } from './prune-actions.js';
import { freshStoreDir, runWard, scanInto } from './test-support/fake-cli-io.js';

const now = () => new Date('2026-03-10T00:00:00Z');

test('--older-than takes whole days with a d, --keep-scans a whole number; exactly one of them', () => {
  assert.equal(parseOlderThan('90d'), 90);
  assert.equal(parseOlderThan('1d'), 1);
  assert.equal(parseOlderThan('36500d'), 36500);
  for (const bad of ['90', '1.5d', '-3d', '0d', '36501d', 'd', '90D', ' 90d', '9e1d', '']) {
    assert.throws(() => parseOlderThan(bad), /^WardError: --older-than takes a whole number of days/, JSON.stringify(bad));
  }
  assert.equal(parseKeepScans('1'), 1);
  assert.equal(parseKeepScans('100000'), 100000);
  for (const bad of ['0', '100001', '-1', '2.5', 'ten', '']) assert.throws(() => parseKeepScans(bad), /--keep-scans takes a whole number/, JSON.stringify(bad));
  assert.throws(() => parsePruneRule({}), /^WardError: say what to keep: --older-than <N>d or --keep-scans <N>$/);
  assert.throws(() => parsePruneRule({ olderThan: '9d', keepScans: '3' }), /not both/);
  assert.deepEqual(parsePruneRule({ keepScans: '3' }), { keepScans: 3 });
  assert.deepEqual(parsePruneRule({ olderThan: '9d' }), { olderThanDays: 9 });
  assert.deepEqual([formatBytes(512), formatBytes(2048), formatBytes(5 * 1024 * 1024)], ['512 B', '2.0 KiB', '5.0 MiB']);
});

test('ward prune as users run it: usage errors exit 2, --dry-run changes nothing, a prune keeps findings and diff of kept scans', async () => {
  const db = await freshStoreDir();
  try {
    const ward = (argv: string[]) => runWard([...argv, '--db', db], { cwd: db, now });

    for (const argv of [['prune'], ['prune', '--older-than', '90'], ['prune', '--older-than', '1.5d'], ['prune', '--older-than', '-3d'], ['prune', '--older-than=-3d'], ['prune', '--keep-scans', '0'], ['prune', '--keep-scans', '2', '--older-than', '9d']]) {
      const run = await ward(argv);
      assert.equal(run.code, 2, argv.join(' '));
      assert.equal(run.stdout, '', argv.join(' '));
      assert.match(run.stderr, /^ward: .*(--older-than|--keep-scans)/, argv.join(' '));
    }
    const bad = await ward(['prune', '--older-than', '90']);
    assert.equal(bad.stderr.split('\n')[0], 'ward: --older-than takes a whole number of days such as 90d (1d to 36500d), got "90"');

    const empty = await ward(['prune', '--keep-scans', '1', '--format', 'table']);
    assert.deepEqual([empty.code, empty.stdout], [0, 'ward prune: nothing to prune: no complete scan yet\n']);

    await scanInto(
      db,
      [
        { inventory: tinyTenant({ a: 'fail', b: 'fail', c: 'pass' }), at: '2026-03-01T00:00:00Z' },
        { inventory: tinyTenant({ a: 'pass', b: 'fail', d: 'fail' }), at: '2026-03-02T00:00:00Z' },
        { inventory: tinyTenant({ a: 'pass', b: 'error', d: 'fail' }), at: '2026-03-03T00:00:00Z' },
        { inventory: tinyTenant({ a: 'fail', b: 'error', d: 'pass' }), at: '2026-03-04T00:00:00Z' },
      ],
      seedControls(),
    );
    const before = {
      scans: (await ward(['scans', '--format', 'json'])).stdout,
      findings: (await ward(['findings', '--format', 'json'])).stdout,
      findings3: (await ward(['findings', '--scan', '3', '--format', 'json'])).stdout,
      diff: (await ward(['diff', '--format', 'json'])).stdout,
    };

    const dry = await ward(['prune', '--keep-scans', '2', '--dry-run', '--format', 'table']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^ward prune --dry-run: would keep the findings of scan #3 and later \(--keep-scans 2\); nothing was changed\n/);
    assert.match(dry.stdout, /\n {2}scans to prune +2 \(#1 to #2\): their summaries stay in ward scans and the trend\n/);
    assert.match(dry.stdout, /\n {2}before-images to remove +\d+ \(\d+ B\)\n/);
    assert.match(dry.stdout, /\n {2}gone findings to remove +1 \(\d+ B\)\n/, 'c, gone since scan 2');
    assert.match(dry.stdout, /\n {2}database size +[\d.]+ MiB now\n/);
    assert.equal((await ward(['findings', '--scan', '1', '--format', 'json'])).code, 1, 'scan 1 is still readable after --dry-run');

    const done = await ward(['prune', '--keep-scans', '2']);
    assert.equal(done.code, 0, done.stderr);
    const body = JSON.parse(done.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['dryRun', 'keep', 'keptFrom', 'heldByPin', 'scans', 'beforeImages', 'goneFindings', 'databaseBytes', 'unfinished'], 'JSON off a terminal');
    assert.deepEqual([body.dryRun, body.keep, body.keptFrom, body.heldByPin, body.scans, (body.goneFindings as { rows: number }).rows], [false, { keepScans: 2 }, 3, null, { count: 2, fromId: 1, toId: 2 }, 1]);
    const size = body.databaseBytes as { before: number; after: number };
    assert.ok(size.before > 0 && size.after > 0);

    const scansAfter = JSON.parse((await ward(['scans', '--format', 'json'])).stdout) as { id: number; prunedAt?: string }[];
    assert.deepEqual(scansAfter.map(({ prunedAt, ...scan }) => scan), JSON.parse(before.scans), 'ward scans lists every scan with its summary');
    assert.deepEqual(scansAfter.map((s) => [s.id, typeof s.prunedAt]), [[1, 'string'], [2, 'string'], [3, 'undefined'], [4, 'undefined']], 'and says which were pruned');
    const table = (await ward(['scans', '--format', 'table'])).stdout;
    assert.match(table, /\n2 +complete, pruned +2026-03-02T/);
    assert.match(table, /\n3 +complete +2026-03-03T/);
    assert.equal((await ward(['findings', '--format', 'json'])).stdout, before.findings);
    assert.equal((await ward(['findings', '--scan', '3', '--format', 'json'])).stdout, before.findings3);
    assert.equal((await ward(['diff', '--format', 'json'])).stdout, before.diff);
    const gone = await ward(['findings', '--scan', '1']);
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /^ward: the findings of scan 1 were pruned; its summary stays in ward scans\n/);
    assert.equal((await ward(['diff', '--from', '2', '--to', '4'])).code, 2);

    const again = await ward(['prune', '--keep-scans', '3', '--format', 'table']);
    assert.deepEqual([again.code, again.stdout], [0, 'ward prune: nothing to prune: no scan before #2 holds findings (--keep-scans 3)\n']);
    // nothing finished in the last day: the latest scan is kept all the same
    const real = await ward(['prune', '--older-than', '1d', '--format', 'table']);
    assert.equal(real.code, 0);
    assert.match(real.stdout, /^ward prune: kept the findings of scan #4 and later \(--older-than 1d\)\n {2}scans pruned +1 \(#3\)/);
    assert.match(real.stdout, /\n {2}database size +[\d.]+ MiB before, [\d.]+ MiB after\n/);
    assert.match(real.stdout, /\nThe space freed is reused by later scans \(VACUUM ran\); the database files on disk do not shrink\.\n$/);
  } finally {
    rmSync(db, { recursive: true, force: true });
  }
});
