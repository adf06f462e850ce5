import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { FINDING_STATUSES, type Finding } from '../core/model.js';
import { OCSF_VERSION, ocsfFindingUid, ocsfReporter } from './ocsf-reporter.js';
import type { ScanReport } from './scan-report.js';
import { buildOcsfClassSchema } from './test-support/build-ocsf-schema.js';
import { HOSTILE_NAME, sampleReport } from './test-support/sample-report.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type OcsfEvent = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const schema = JSON.parse(readFileSync(new URL('./test-data/ocsf-2003.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;

function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}
const validate = validator();

const render = (report: ScanReport): OcsfEvent[] => JSON.parse(ocsfReporter(report, { colour: false })) as OcsfEvent[];

function assertValid(events: readonly OcsfEvent[]) {
  for (const [i, event] of events.entries()) {
    assert.equal(validate(event), true, `event ${i}: ${JSON.stringify(validate.errors, null, 2)}`);
  }
}

test('the committed schema says which OCSF version and source commits it was built from', () => {
  assert.match(String(schema.$comment), new RegExp(`OCSF ${OCSF_VERSION.replaceAll('.', '\\.')}`));
  assert.match(String(schema.$comment), /ocsf\/ocsf-schema: dictionary\.json@[0-9a-f]{12}/);
  assert.match(String(schema.$comment), /events\/findings\/compliance_finding\.json@[0-9a-f]{12}/);
});

test('every event of the sample report (every status, hostile names) is a valid OCSF Compliance Finding', () => {
  const report = sampleReport();
  const events = render(report);
  assert.equal(events.length, report.findings.length, 'one event per finding, whatever its status');
  assert.deepEqual(new Set(report.findings.map((f) => f.status)), new Set(FINDING_STATUSES), 'the sample covers every status');
  assertValid(events);
  assert.deepEqual(render({ ...report, findings: [] }), [], 'no findings: an empty array');
  assert.equal(ocsfReporter({ ...report, findings: [] }, { colour: false }), '[]\n');
});

test('the schema does reject what OCSF rejects', () => {
  const [event] = render(sampleReport());
  const broken = (change: (e: OcsfEvent) => void) => {
    const copy = structuredClone(event!);
    change(copy);
    return validate(copy);
  };
  assert.equal(validate(event), true);
  assert.equal(broken((e) => delete e.finding_info), false, 'finding_info is required');
  assert.equal(broken((e) => delete e.finding_info.uid), false, 'finding_info.uid is required');
  assert.equal(broken((e) => delete e.compliance), false, 'compliance is required');
  assert.equal(broken((e) => delete e.cloud), false, 'the cloud profile requires cloud');
  assert.equal(broken((e) => delete e.cloud.provider), false, 'cloud.provider is required');
  assert.equal(broken((e) => delete e.metadata.product), false, 'metadata.product is required');
  assert.equal(broken((e) => delete e.metadata.version), false, 'metadata.version is required');
  assert.equal(broken((e) => (e.class_uid = 2004)), false, 'class_uid is the class');
  assert.equal(broken((e) => (e.type_uid = 200401)), false, 'type_uid is class_uid * 100 + activity_id');
  assert.equal(broken((e) => (e.severity_id = 7)), false, 'severity_id is an enum');
  assert.equal(broken((e) => (e.status_id = 9)), false, 'status_id is an enum');
  assert.equal(broken((e) => (e.compliance.status_id = 4)), false, 'compliance.status_id is an enum');
  assert.equal(broken((e) => (e.cloud.account.type_id = 77)), false, 'account.type_id is an enum');
  assert.equal(broken((e) => (e.time = '2026-03-10')), false, 'time is epoch milliseconds');
  assert.equal(broken((e) => (e.time_dt = 'yesterday')), false, 'time_dt is RFC 3339');
  assert.equal(broken((e) => (e.compliance.standards = 'CIS')), false, 'standards is an array');
  assert.equal(broken((e) => (e.resources[0].tags = [{ value: 'x' }])), false, 'a tag needs its name');
  assert.equal(broken((e) => (e.resources[0] = {})), false, 'a resource needs a name or a uid');
  assert.equal(broken((e) => delete e.remediation.desc), false, 'remediation.desc is required');
  assert.equal(broken((e) => (e.x_vendor_field = { any: 'thing' })), true, 'OCSF does not forbid other attributes');
});

test('OCSF fields: classification, severity, status, time, product', () => {
  const report = sampleReport();
  const events = render(report);
  // the sample's findings: pass, fail (hostile name), error, excepted, fail (expired exception), skipped
  assert.deepEqual(report.findings.map((f) => f.status), ['pass', 'fail', 'error', 'excepted', 'fail', 'skipped']);
  const byStatus: Record<string, OcsfEvent> = { pass: events[0]!, fail: events[1]!, error: events[2]!, excepted: events[3]!, skipped: events[5]! };
  const fail = byStatus.fail!;
  assert.equal(fail.class_uid, 2003);
  assert.equal(fail.category_uid, 2);
  assert.equal(fail.activity_id, 1);
  assert.equal(fail.type_uid, 200301);
  assert.equal(fail.severity_id, 2);
  assert.equal(fail.severity, 'Low');
  assert.equal(fail.time, Date.parse('2026-03-10T09:00:05.000Z'), 'the scan time, in epoch milliseconds');
  assert.equal(fail.time_dt, '2026-03-10T09:00:05.000Z');
  assert.deepEqual(fail.metadata, {
    version: OCSF_VERSION,
    product: { name: 'ward', uid: 'ward', vendor_name: 'ward', version: '0.1.0' },
    event_code: 'azure-defender-security-contact-email',
    profiles: ['cloud', 'datetime'],
  });
  assert.deepEqual([fail.status_id, fail.status], [1, 'New']);
  assert.deepEqual([byStatus.excepted!.status_id, byStatus.excepted!.status], [3, 'Suppressed'], 'an accepted exception suppresses the finding');
  const compliance = (s: string) => [byStatus[s]!.compliance.status_id, byStatus[s]!.compliance.status, byStatus[s]!.compliance.status_code];
  assert.deepEqual(compliance('pass'), [1, 'Pass', 'pass']);
  assert.deepEqual(compliance('fail'), [3, 'Fail', 'fail']);
  assert.deepEqual(compliance('excepted'), [3, 'Fail', 'excepted'], 'an excepted finding still failed its check');
  assert.deepEqual(compliance('error'), [99, 'Error', 'error'], 'a read error is neither a pass nor a fail');
  assert.deepEqual(compliance('skipped'), [99, 'Skipped', 'skipped']);
  assert.match(byStatus.error!.message, /^Could not evaluate /);
});

test('OCSF fields: the control, its frameworks and remediation; the subscription as resource and cloud account', () => {
  const report = sampleReport();
  const control = report.controls[0]!;
  const [pass, fail] = render(report);
  assert.equal(fail!.finding_info.title, control.title);
  assert.equal(fail!.finding_info.desc, control.overview);
  assert.equal(fail!.finding_info.created_time, Date.parse('2026-03-01T08:30:00.000Z'), 'created when ward first saw it');
  assert.equal(fail!.finding_info.last_seen_time_dt, '2026-03-10T09:00:05.000Z');
  assert.equal(fail!.compliance.control, control.id);
  assert.ok(control.frameworks.length > 0);
  assert.deepEqual(fail!.compliance.standards, [...new Set(control.frameworks.map((m) => `${m.framework} ${m.version}`))]);
  assert.ok(fail!.compliance.requirements.includes(`${control.frameworks[0]!.framework} ${control.frameworks[0]!.version} ${control.frameworks[0]!.requirement}`));
  assert.match(fail!.remediation.desc, /^1\. /);
  assert.ok(fail!.remediation.references.every((url: string) => url.startsWith('https://')));
  assert.deepEqual(fail!.resources, [
    {
      uid: '/subscriptions/00000000-0000-4000-8000-000000000002',
      name: HOSTILE_NAME,
      type: 'Microsoft.Resources/subscriptions',
      role_id: 1,
      role: 'Target',
      tags: [
        { name: 'Environment', value: 'prod' },
        { name: 'owner', value: '<b>team-web</b>@contoso.com' },
        { name: 'costCenter', value: '42' },
      ],
      data: { subscriptionId: '00000000-0000-4000-8000-000000000002', assetType: 'Connector' },
    },
  ]);
  assert.deepEqual(fail!.cloud, {
    provider: 'Azure',
    account: { uid: '00000000-0000-4000-8000-000000000002', name: HOSTILE_NAME, type_id: 13, type: 'Azure Subscription' },
  });
  assert.equal(pass!.resources[0].tags, undefined, 'an asset without tags has none');
  assert.deepEqual(fail!.unmapped.ward.matched, [{ checkId: 'azure-defender-security-contact-email/check', filter: '{securityContacts_SOME: {email: ""}}' }]);
  assert.equal(fail!.unmapped.ward.reason, 'the address is empty <b>bold</b>\nsecond line', 'the plain reason, without the matched filters');
});

test('the tenant (when the asset carries it) is the cloud org, and the connector that collected a finding is kept', () => {
  const report = sampleReport();
  const tenantId = '11111111-2222-4333-8444-555555555555';
  const assets = report.assets!.map((a) => ({ ...a, tenantId }));
  const findings = report.findings.map((f) => ({ ...f, connector: 'contoso-prod' }) as Finding);
  const events = render({ ...report, assets, findings });
  assertValid(events);
  assert.deepEqual(events[1]!.cloud.org, { uid: tenantId });
  assert.equal(events[0]!.cloud.org, undefined, 'no tenant known for that asset: no org');
  assert.ok(events.every((e) => e.unmapped.ward.connector === 'contoso-prod'));
  assert.equal(render(sampleReport())[0]!.unmapped.ward.connector, undefined, 'a local scan has no connector');
});

test('finding_info.uid is stable across scans and unique per control, check and asset', () => {
  const report = sampleReport();
  const first = render(report).map((e) => e.finding_info.uid);
  const later = render({
    ...report,
    scan: { ...report.scan, id: 8, finishedAt: '2026-04-01T00:00:00.000Z' },
    findings: report.findings.map((f) => ({ ...f, assetId: f.assetId.toUpperCase(), reason: `${f.reason} (rescanned)` })),
  }).map((e) => e.finding_info.uid);
  assert.deepEqual(later, first, 'a later scan (and ARM ids in another case) keep the uid');
  assert.equal(new Set(first).size, first.length);
  const f = report.findings[0]!;
  assert.notEqual(ocsfFindingUid(f), ocsfFindingUid({ ...f, checkId: `${f.controlId}/other` }), 'another check is another finding');
  assert.match(first[0]!, /^[0-9a-f]{64}$/);
});

test('hostile values (quotes, control characters, unicode, very long strings) stay valid JSON and valid OCSF', () => {
  const report = sampleReport();
  const hostile = `"quoted" \\ back\u0000slash \u2028 line ✓ 🛡️ \ud800 lone ${'x'.repeat(100_000)}`;
  const findings = report.findings.map((f) => ({ ...f, assetName: hostile, reason: hostile }));
  const assets = [{ id: findings[0]!.assetId, name: hostile, tags: { [hostile]: hostile, '"k"': '</script>' } }];
  const text = ocsfReporter({ ...report, findings, assets }, { colour: false });
  const events = JSON.parse(text) as OcsfEvent[];
  assertValid(events);
  assert.equal(events[0]!.resources[0].name, hostile, 'every character survives, a lone surrogate too (escaped)');
  assert.equal(events[0]!.unmapped.ward.reason, hostile);
  assert.equal(events[0]!.resources[0].tags[1].value, '</script>');
  assert.ok(events[0]!.message.length > 100_000, 'nothing is cut');
});

test('a finding of a control the report does not list still makes a valid event', () => {
  const report = sampleReport();
  const finding = { ...report.findings[1]!, controlId: 'unknown-control', checkId: 'unknown-control/check' };
  const [event] = render({ ...report, findings: [finding] });
  assertValid([event!]);
  assert.equal(event!.finding_info.title, 'unknown-control');
  assert.deepEqual(event!.compliance.standards, []);
  assert.equal(event!.remediation, undefined);
});

test('the schema builder merges extends chains and enums, applies only the chosen profiles and adds _dt times', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-ocsf-src-'));
  try {
    const write = (path: string, value: unknown) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), JSON.stringify(value));
    };
    write('dictionary.json', {
      attributes: {
        activity_id: { type: 'integer_t', enum: { 0: {}, 99: {} } },
        status_id: { type: 'integer_t', enum: { 0: {}, 99: {} } },
        time: { type: 'timestamp_t' },
        cloud: { type: 'cloud' },
        api: { type: 'api' },
        provider: { type: 'string_t' },
        device: { type: 'device' },
        labels: { type: 'string_t', is_array: true },
        name: { type: 'string_t' },
        uid: { type: 'string_t' },
      },
      types: { attributes: { timestamp_t: { type: 'long_t' }, datetime_t: { type: 'string_t', regex: '^\\d{4}-' } } },
    });
    write('categories.json', { attributes: { findings: { uid: 2 } } });
    write('events/base_event.json', {
      name: 'base_event',
      attributes: { $include: ['profiles/cloud.json', 'profiles/host.json'], activity_id: { requirement: 'required' }, time: { requirement: 'required' } },
    });
    write('events/findings/finding.json', { name: 'finding', extends: 'base_event', category: 'findings', attributes: { activity_id: { enum: { 1: {} } }, status_id: { enum: { 1: {}, 2: {} } }, labels: {} } });
    write('events/findings/compliance_finding.json', { name: 'compliance_finding', extends: 'finding', uid: 3, attributes: { status_id: { requirement: 'required' } } });
    write('profiles/cloud.json', { name: 'cloud', attributes: { cloud: { requirement: 'required' }, api: { requirement: 'optional' } } });
    write('profiles/host.json', { name: 'host', attributes: { device: { requirement: 'required' } } });
    write('objects/cloud.json', { name: 'cloud', extends: '_entity', attributes: { provider: { requirement: 'required' } } });
    write('objects/_entity.json', { name: '_entity', attributes: { name: {}, uid: {} }, constraints: { at_least_one: ['name', 'uid'] } });
    const { schema, unexpandedObjects } = buildOcsfClassSchema(dir, { className: 'compliance_finding', profiles: ['cloud', 'datetime'] });
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(schema.required, ['activity_id', 'cloud', 'status_id', 'time']);
    assert.deepEqual(properties.activity_id!.enum, [0, 1, 99]);
    assert.deepEqual(properties.status_id!.enum, [0, 1, 2, 99]);
    assert.deepEqual(properties.class_uid!.enum, [2003]);
    assert.deepEqual(properties.type_uid!.enum, [200300, 200301, 200399]);
    assert.deepEqual(properties.time, { type: 'integer' });
    assert.deepEqual(properties.time_dt, { type: 'string', pattern: '^\\d{4}-' });
    assert.deepEqual(properties.labels, { type: 'array', items: { type: 'string' } });
    assert.equal(properties.device, undefined, 'the host profile is not applied: its attributes are left unchecked');
    assert.deepEqual(unexpandedObjects, ['api']);
    const cloud = (schema.definitions as Record<string, Record<string, unknown>>).cloud!;
    assert.deepEqual(cloud.required, ['provider']);
    assert.deepEqual(cloud.anyOf, [{ required: ['name'] }, { required: ['uid'] }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
