import { createRequire } from 'node:module';
import type { create as createXml } from 'xmlbuilder2';
import type { ControlDescription, Finding } from '../core/model.js';
import { countByStatus, type StringReporter } from './scan-report.js';
import { findingReason, matchedFilters } from './finding-reason.js';

/**
 * xmlbuilder2 (and the DOM it builds on) costs about 45 ms to load, and only this report uses it: loaded on the first
 * JUnit report, not by every process that imports the reporters. It is CommonJS, so it loads synchronously.
 */
let loadedCreate: typeof createXml | undefined;
function xmlCreate(): typeof createXml {
  loadedCreate ??= (createRequire(import.meta.url)('xmlbuilder2') as { create: typeof createXml }).create;
  return loadedCreate;
}

/** XML 1.0 cannot carry most control characters even escaped: drop them (tenant data can hold anything). */
const xmlText = (text: string): string => text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
/** Attribute values: XML parsers fold line breaks in attributes into spaces, so write them as spaces. */
const xmlAttr = (text: string): string => xmlText(text).replace(/\s*[\r\n]+\s*/g, ' ');

function fixText(control: ControlDescription): string {
  return [
    `How to fix (${control.id}):`,
    ...control.remediation.console.map((step, i) => `  ${i + 1}. ${step}`),
    '',
    `Details and the command-line fix: ward controls show ${control.id}`,
  ].join('\n');
}

/**
 * JUnit XML for CI test views (Azure DevOps, GitLab, Jenkins): a testsuite per control, a testcase per asset.
 * `fail` is a <failure> (with the fix), `error` an <error> (the data could not be read), `excepted` and `skipped`
 * are <skipped> with the reason (an excepted one names the exception, its owner and expiry).
 */
export const junitReporter: StringReporter = (report) => {
  const doc = xmlCreate()({ version: '1.0', encoding: 'UTF-8' });
  const all = countByStatus(report.findings);
  const root = doc.ele('testsuites', {
    name: 'ward',
    tests: String(report.findings.length),
    failures: String(all.fail),
    errors: String(all.error),
    skipped: String(all.excepted + all.skipped),
    time: '0',
  });
  for (const control of report.controls) {
    const mine = report.findings.filter((f) => f.controlId === control.id);
    const counts = countByStatus(mine);
    const suite = root.ele('testsuite', {
      name: xmlText(`${control.id}: ${control.title}`),
      id: control.id,
      tests: String(mine.length),
      failures: String(counts.fail),
      errors: String(counts.error),
      skipped: String(counts.excepted + counts.skipped),
      time: '0',
      timestamp: (report.scan.finishedAt ?? report.scan.startedAt).replace(/\.\d{3}Z$/, ''),
    });
    const properties = suite.ele('properties');
    properties.ele('property', { name: 'severity', value: control.severity });
    if (report.scan.id !== null) properties.ele('property', { name: 'scan', value: String(report.scan.id) });
    for (const f of control.frameworks) properties.ele('property', { name: 'framework', value: xmlText(`${f.framework} ${f.version} ${f.requirement}`) });
    for (const finding of mine) testcase(suite, control, finding);
  }
  return doc.end({ prettyPrint: true }) + '\n';
};

function testcase(suite: ReturnType<ReturnType<typeof createXml>['ele']>, control: ControlDescription, f: Finding): void {
  const name = xmlAttr(f.assetName ? `${f.assetName} (${f.assetId})` : f.assetId);
  const test = suite.ele('testcase', { name, classname: control.id, time: '0' });
  const plain = findingReason(f);
  const reason = xmlAttr(plain);
  const matched = matchedFilters(f).map((m) => `  ${m.checkId}: ${m.filter}`);
  switch (f.status) {
    case 'fail':
      test.ele('failure', { message: reason, type: f.expiredException ? 'fail:exception-expired' : 'fail' }).txt(xmlText(`${plain}\n\n${matched.length > 0 ? `Matched:\n${matched.join('\n')}\n\n` : ''}${fixText(control)}`));
      break;
    case 'error':
      test.ele('error', { message: reason, type: 'error' }).txt('ward could not read or evaluate this asset\'s data: the control is neither passed nor failed.');
      break;
    case 'excepted':
      test.ele('skipped', {
        message: xmlAttr(f.exception ? `excepted (${f.exception.id}, owner ${f.exception.owner}, until ${f.exception.expires}): ${f.exception.reason}` : reason),
      });
      break;
    case 'skipped':
      test.ele('skipped', { message: reason });
      break;
    case 'pass':
      break;
  }
}
