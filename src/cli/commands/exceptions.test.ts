import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { SEED_CONTROL_ID, seedControls, subscription, tinyTenant } from '../../scan/test-support/tiny-tenant.js';
import { freshStoreDir, runWard, scanInto } from './test-support/fake-cli-io.js';

const TODAY = '2026-03-10T15:00:00Z';
const seen = subscription('00000000-0000-4000-8000-00000000000b');

async function setup() {
  const db = await freshStoreDir();
  await scanInto(db, [{ inventory: tinyTenant({ '00000000-0000-4000-8000-00000000000a': 'pass', '00000000-0000-4000-8000-00000000000b': 'fail' }), at: '2026-03-01T00:00:00Z' }], seedControls());
  let now = new Date(TODAY);
  const ward = (argv: string[], env: Record<string, string | undefined> = {}) => runWard([...argv, '--db', db], { cwd: db, now: () => now, env: { USER: 'alice', ...env } });
  return { db, ward, setNow: (iso: string) => void (now = new Date(iso)) };
}

const add = (fields: Record<string, string | undefined>): string[] => {
  const all: Record<string, string | undefined> = { control: SEED_CONTROL_ID, asset: seen, owner: 'secops@contoso.com', expires: '2026-06-30', reason: 'sandbox, retired in Q2', ...fields };
  return ['exceptions', 'add', ...Object.entries(all).flatMap(([k, v]) => (v === undefined ? [] : [`--${k}`, v]))];
};

test('exceptions add validates every rule, refusing each with one line and exit 2, and stores nothing refused', async () => {
  const { ward } = await setup();
  const refusals: [Record<string, string | undefined>, string, Record<string, string>?][] = [
    [{ owner: 'Alice' }, 'ward: owner must be an email address, got "Alice"'],
    [{ owner: undefined }, 'ward: an exception needs an owner (--owner EMAIL)'],
    [{ reason: 'because' }, 'ward: reason must be at least 10 characters, got 7'],
    [{ expires: undefined }, 'ward: an exception needs an expiry date (--expires YYYY-MM-DD)'],
    [{ expires: '2026-02-30' }, 'ward: expiry "2026-02-30" is not a real date'],
    [{ expires: '2026-03-09' }, 'ward: expiry 2026-03-09 is not in the future (today is 2026-03-10, UTC)'],
    [{ expires: '2027-03-11' }, 'ward: expiry 2027-03-11 is 366 days away; the most allowed is 365'],
    [{ expires: '2026-05-01', 'max-days': '30' }, 'ward: expiry 2026-05-01 is 52 days away; the most allowed is 30'],
    [{ expires: '2026-05-01' }, 'ward: expiry 2026-05-01 is 52 days away; the most allowed is 30', { WARD_EXCEPTION_MAX_DAYS: '30' }],
    [{ 'max-days': 'lots' }, 'ward: --max-days must be a whole number of days (1 or more), got "lots"'],
    [{ control: 'no-such-control' }, 'ward: no control no-such-control'],
    [{ asset: 'subscriptions/x' }, 'ward: asset "subscriptions/x" is not an ARM id'],
  ];
  for (const [fields, line, env] of refusals) {
    const run = await ward(add(fields), env);
    assert.equal(run.code, 2, `${JSON.stringify(fields)}: ${run.stderr}`);
    assert.equal(run.stderr.split('\n')[0], line);
    assert.equal(run.stdout, '');
  }
  const list = await ward(['exceptions', 'list', '--format', 'json']);
  assert.deepEqual(JSON.parse(list.stdout), []);
});

test('exceptions add, list, remove and log, with the actor and time of every change', async () => {
  const { ward } = await setup();
  const added = await ward(add({}));
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /^added EX-1: azure-defender-security-contact-email on \/subscriptions\/\S+b, owner secops@contoso\.com, until 2026-06-30\n$/);
  assert.equal(added.stderr, '', 'a seen asset gives no warning');

  const unseen = await ward(add({ asset: '/subscriptions/ffff*', 'max-days': '400', expires: '2027-04-01' }));
  assert.equal(unseen.code, 0, unseen.stderr);
  assert.match(unseen.stderr, /^ward: warning: no asset ward has seen matches \/subscriptions\/ffff\*; the exception is stored/);

  const list = JSON.parse((await ward(['exceptions', 'list', '--format', 'json'])).stdout) as { id: string; state: string; createdBy: string }[];
  assert.deepEqual(list.map((e) => [e.id, e.state, e.createdBy]), [['EX-1', 'active', 'alice'], ['EX-2', 'active', 'alice']]);
  assert.match((await ward(['exceptions', 'list'])).stdout, /^ID\s+STATE\s+EXPIRES\s+OWNER/);

  const removed = await ward(['exceptions', 'remove', 'EX-2', '--actor', 'bob']);
  assert.equal(removed.code, 0);
  const missing = await ward(['exceptions', 'remove', 'EX-9']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^ward: no exception EX-9\n/);

  const log = JSON.parse((await ward(['exceptions', 'log', '--format', 'json'])).stdout) as { action: string; exceptionId: string; actor: string; at: string; source: string }[];
  assert.deepEqual(log.map((e) => [e.action, e.exceptionId, e.actor, e.at, e.source]), [
    ['add', 'EX-1', 'alice', '2026-03-10T15:00:00.000Z', 'cli'],
    ['add', 'EX-2', 'alice', '2026-03-10T15:00:00.000Z', 'cli'],
    ['remove', 'EX-2', 'bob', '2026-03-10T15:00:00.000Z', 'cli'],
  ]);
  const next = await ward(add({}));
  assert.match(next.stdout, /^added EX-3:/, 'a removed id is never reused');
});

test('an exception excepts the failure in ward findings; once expired (injected clock) it is a failure again, logged as expired', async () => {
  const { ward, setNow } = await setup();
  assert.equal((await ward(add({ expires: '2026-03-31' }))).code, 0);
  const before = await ward(['findings', '--format', 'json']);
  assert.equal(before.code, 0, 'an excepted failure does not fail the run');
  const excepted = (JSON.parse(before.stdout) as { findings: Record<string, unknown>[] }).findings.find((f) => f.assetId === seen)!;
  assert.equal(excepted.status, 'excepted');
  assert.equal(excepted.originalStatus, 'fail');
  assert.deepEqual(excepted.exception, { id: 'EX-1', owner: 'secops@contoso.com', reason: 'sandbox, retired in Q2', expires: '2026-03-31' });

  setNow('2026-04-01T00:00:00Z');
  const after = await ward(['findings', '--format', 'json']);
  assert.equal(after.code, 1);
  const lapsed = (JSON.parse(after.stdout) as { findings: Record<string, unknown>[] }).findings.find((f) => f.assetId === seen)!;
  assert.equal(lapsed.status, 'fail');
  assert.deepEqual((lapsed.expiredException as { id: string }).id, 'EX-1');
  assert.match(lapsed.reason as string, /exception EX-1 expired on 2026-03-31/);
  const table = await ward(['findings', '--format', 'table']);
  assert.match(table.stdout, /exception EX-1 expired on 2026-03-31/);
  const list = JSON.parse((await ward(['exceptions', 'list', '--format', 'json'])).stdout) as { state: string }[];
  assert.equal(list[0]!.state, 'expired');
  const log = JSON.parse((await ward(['exceptions', 'log', 'EX-1', '--format', 'json'])).stdout) as { action: string; at: string }[];
  assert.deepEqual(log.map((e) => [e.action, e.at]), [['add', '2026-03-10T15:00:00.000Z'], ['expire', '2026-04-01T00:00:00.000Z']]);
});

test('export and import round-trip through a reviewable YAML file; import adds, updates and with --replace removes', async () => {
  const first = await setup();
  await first.ward(add({}));
  await first.ward(add({ asset: '/subscriptions/*', owner: 'platform@contoso.com', reason: 'landing zone migration in progress' }));
  const file = join(first.db, 'exceptions.yaml');
  const exported = await first.ward(['exceptions', 'export', '--output', file]);
  assert.equal(exported.code, 0);
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^# ward exceptions/);
  assert.match(text, /- id: EX-2\n {4}control: azure-defender-security-contact-email\n {4}asset: \/subscriptions\/\*\n/);

  const second = await setup();
  const imported = await second.ward(['exceptions', 'import', file]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(imported.stdout, `imported ${file}: 2 added, 0 updated, 0 unchanged, 0 removed\n`);
  assert.equal((await second.ward(['exceptions', 'export'])).stdout, text);

  writeFileSync(file, text.replace('owner: platform@contoso.com', 'owner: cloud@contoso.com').replace(/  - id: EX-1\n(    .*\n){5}/, ''));
  const again = await second.ward(['exceptions', 'import', file, '--replace', '--actor', 'ci']);
  assert.equal(again.stdout, `imported ${file}: 0 added, 1 updated, 0 unchanged, 1 removed\n`);
  const log = JSON.parse((await second.ward(['exceptions', 'log', '--format', 'json'])).stdout) as { action: string; actor: string; source: string }[];
  assert.deepEqual(log.slice(2).map((e) => [e.action, e.actor, e.source]), [['update', 'ci', `import:${file}`], ['remove', 'ci', `import:${file}`]]);
});

test('import is all or nothing: a malformed file names the line and field and changes nothing stored', async () => {
  const { db, ward } = await setup();
  await ward(add({}));
  const before = (await ward(['exceptions', 'export'])).stdout;
  const file = join(db, 'bad.yaml');
  const cases: [string, RegExp][] = [
    [
      `version: 1\nexceptions:\n  - control: ${SEED_CONTROL_ID}\n    asset: /subscriptions/a\n    owner: a@contoso.com\n    expires: 2026-06-30\n    reason: a valid first entry\n  - control: ${SEED_CONTROL_ID}\n    asset: /subscriptions/b\n    owner: not-an-address\n    expires: 2026-06-30\n    reason: the second entry is broken\n`,
      /^ward: bad\.yaml:10 \(exceptions\[1\]\.owner\): owner must be an email address, got "not-an-address"$/,
    ],
    [
      `version: 1\nexceptions:\n  - control: ${SEED_CONTROL_ID}\n    asset: /subscriptions/a\n    owner: a@contoso.com\n    expires: 2026-06-31\n    reason: a valid first entry\n`,
      /^ward: bad\.yaml:6 \(exceptions\[0\]\.expires\): expiry "2026-06-31" is not a real date$/,
    ],
    [
      `version: 1\nexceptions:\n  - control: ${SEED_CONTROL_ID}\n    asset: /subscriptions/a\n    owner: a@contoso.com\n    reason: no expiry on this one\n`,
      /^ward: bad\.yaml:3 \(exceptions\[0\]\.expires\): an exception needs an expiry date/,
    ],
    [`version: 1\nexceptions:\n  - control: x\n    ownr: a@contoso.com\n`, /^ward: bad\.yaml:4 \(exceptions\[0\]\.ownr\): unknown field "ownr"$/],
    [`version: 1\nexceptions:\n  - control: [unclosed\n`, /^ward: bad\.yaml:\d+: not valid YAML: /],
    [`version: 2\nexceptions: []\n`, /^ward: bad\.yaml:1 \(version\): version must be 1$/],
  ];
  for (const [content, message] of cases) {
    writeFileSync(file, content);
    const run = await ward(['exceptions', 'import', 'bad.yaml']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr.split('\n')[0]!, message);
  }
  assert.equal((await ward(['exceptions', 'export'])).stdout, before);
  assert.equal((JSON.parse((await ward(['exceptions', 'log', '--format', 'json'])).stdout) as unknown[]).length, 1);
});

test('importing an old export never brings back a removed id; entries without an id take fresh ones', async () => {
  const { db, ward } = await setup();
  assert.equal((await ward(add({}))).code, 0);
  const file = join(db, 'old.yaml');
  await ward(['exceptions', 'export', '--output', file]);
  assert.equal((await ward(['exceptions', 'remove', 'EX-1', '--actor', 'bob'])).code, 0);
  const stale = await ward(['exceptions', 'import', 'old.yaml']);
  assert.equal(stale.code, 2, stale.stderr);
  assert.match(stale.stderr.split('\n')[0]!, /^ward: old\.yaml:\d+ \(exceptions\[0\]\.id\): exception EX-1 was removed on 2026-03-10 by bob, and ids are never reused$/);
  assert.deepEqual(JSON.parse((await ward(['exceptions', 'list', '--format', 'json'])).stdout), [], 'nothing was brought back');

  // the same entry without its id is a new exception; an explicit new id in the file is not handed out twice
  const entry = (id: string | undefined, asset: string) =>
    `  - ${id === undefined ? '' : `id: ${id}\n    `}control: ${SEED_CONTROL_ID}\n    asset: ${asset}\n    owner: secops@contoso.com\n    expires: 2026-06-30\n    reason: sandbox, retired in Q2\n`;
  writeFileSync(file, `version: 1\nexceptions:\n${entry(undefined, seen)}${entry('EX-2', '/subscriptions/0000*')}`);
  const fresh = await ward(['exceptions', 'import', 'old.yaml']);
  assert.equal(fresh.code, 0, fresh.stderr);
  const listed = JSON.parse((await ward(['exceptions', 'list', '--format', 'json'])).stdout) as { id: string; assetId: string }[];
  assert.deepEqual(listed.map((e) => [e.id, e.assetId]), [['EX-2', '/subscriptions/0000*'], ['EX-3', seen]]);
});

test('an exception on a passing or error subscription is stored with a warning saying it accepts nothing', async () => {
  const db = await freshStoreDir();
  const [passing, failing, unreadable] = ['a', 'b', 'c'].map((k) => `00000000-0000-4000-8000-00000000000${k}`);
  await scanInto(db, [{ inventory: tinyTenant({ [passing!]: 'pass', [failing!]: 'fail', [unreadable!]: 'error' }), at: '2026-03-01T00:00:00Z' }], seedControls());
  const ward = (argv: string[]) => runWard([...argv, '--db', db], { cwd: db, now: () => new Date(TODAY), env: { USER: 'alice' } });

  const onPass = await ward(add({ asset: subscription(passing!) }));
  assert.equal(onPass.code, 0, onPass.stderr);
  assert.match(onPass.stderr, /^ward: warning: azure-defender-security-contact-email on \/subscriptions\/\S+a is passing in scan #1: the exception accepts nothing unless it fails; the exception is stored\n$/);
  const onError = await ward(add({ asset: subscription(unreadable!) }));
  assert.equal(onError.code, 0, onError.stderr);
  assert.match(onError.stderr, /^ward: warning: \S+ on \/subscriptions\/\S+c is an error in scan #1; an exception never covers an error/);
  const onFail = await ward(add({ asset: subscription(failing!) }));
  assert.equal(onFail.stderr, '');
  const onPrefix = await ward(add({ asset: '/subscriptions/*' }));
  assert.match(onPrefix.stderr, /^ward: warning: 1 of the 3 findings of \S+ on \/subscriptions\/\* are errors in scan #1;/);
  const listed = JSON.parse((await ward(['exceptions', 'list', '--format', 'json'])).stdout) as { id: string }[];
  assert.deepEqual(listed.map((e) => e.id), ['EX-1', 'EX-2', 'EX-3', 'EX-4'], 'every one is stored');

  // the same warning for an entry an import adds, with the file and line
  const file = join(db, 'pass.yaml');
  writeFileSync(file, `version: 1\nexceptions:\n  - control: ${SEED_CONTROL_ID}\n    asset: ${subscription(passing!)}\n    owner: secops@contoso.com\n    expires: 2026-06-01\n    reason: contact move planned next sprint\n`);
  const imported = await ward(['exceptions', 'import', 'pass.yaml']);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stderr, /^ward: warning: pass\.yaml:4: \S+ on \/subscriptions\/\S+a is passing in scan #1/);
});

test('the actor is --actor, else $USER, else the OS user (never "unknown" where the system knows who runs ward)', async () => {
  const { ward } = await setup();
  assert.equal((await ward(add({}), { USER: undefined })).code, 0);
  assert.equal((await ward(add({ actor: 'carol' }), { USER: undefined })).code, 0);
  assert.equal((await ward(add({}))).code, 0);
  const log = JSON.parse((await ward(['exceptions', 'log', '--format', 'json'])).stdout) as { exceptionId: string; actor: string }[];
  assert.deepEqual(log.map((e) => [e.exceptionId, e.actor]), [['EX-1', userInfo().username], ['EX-2', 'carol'], ['EX-3', 'alice']]);
  const listed = JSON.parse((await ward(['exceptions', 'list', '--format', 'json'])).stdout) as { createdBy: string }[];
  assert.equal(listed[0]!.createdBy, userInfo().username);
});
