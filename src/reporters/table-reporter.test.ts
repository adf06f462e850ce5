import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFailureReason } from '../core/engine/failure-reason.js';
import type { Finding } from '../core/model.js';
import { tableReporter } from './table-reporter.js';
import { sampleReport } from './test-support/sample-report.js';

/** The report with each wrapped entry joined back onto one line. */
const unwrap = (text: string): string => text.replace(/\n {6}(?!- |… |e\.g\. )/g, ' ');

const CONTROL = 'azure-defender-security-contact-email';
const subscription = (n: number): string => `/subscriptions/00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A tenant of 400 failing subscriptions over three reasons, plus a few errors naming their subscription. */
function largeReport() {
  const base = sampleReport();
  const reasons = [
    formatFailureReason(['no security contact'], ['check: {securityContacts_SOME: null}', 'valid-address: {securityContacts_SOME: null}']),
    formatFailureReason(["a security contact's address is empty", 'a security contact has no usable address'], ['check: {securityContacts_SOME: {email: ""}}']),
    formatFailureReason(['a security contact lists something that is not a valid email address'], ['valid-address: {securityContacts_SOME: {invalidEmails_NOT: []}}']),
  ];
  const findings: Finding[] = Array.from({ length: 400 }, (_, i) => ({
    controlId: CONTROL,
    checkId: `${CONTROL}/check`,
    assetId: subscription(i + 1),
    assetName: `contoso-workload-${i + 1}`,
    status: 'fail',
    reason: reasons[i % 3 === 0 ? 0 : i % 3 === 1 ? 1 : 2]!,
    severity: 'low',
  }));
  for (let i = 401; i <= 403; i += 1) {
    findings.push({ controlId: CONTROL, checkId: `${CONTROL}/check`, assetId: subscription(i), assetName: null, status: 'error', severity: 'low',
      reason: `could not read the data: AuthorizationFailed: The client 'ward' has no authorization over scope '${subscription(i)}' or the scope is invalid.` });
  }
  return { ...base, findings };
}

test('a large tenant reads as one entry per reason: the first subscriptions of each and a count of the rest', () => {
  const text = tableReporter(largeReport(), { colour: false, width: 100 });
  const flat = unwrap(text);
  const lines = text.trimEnd().split('\n');
  assert.ok(lines.length < 60, `${lines.length} lines for 403 findings`);
  for (const line of lines) assert.ok(line.length <= 100, `too wide: ${line}`);
  assert.equal(text.match(/^ {2}FAIL 134 subscriptions: no security contact$/gm)?.length, 1, 'one entry per reason');
  assert.match(flat, /^ {2}FAIL 133 subscriptions: a security contact's address is empty; a security contact has no usable address$/m);
  assert.match(text, /^ {6}… and 124 more subscriptions$/m);
  assert.match(text, /^ {2}ERROR 3 subscriptions: could not read the data: AuthorizationFailed$/m, 'errors are grouped by their code');
  assert.match(text, /^ {6}e\.g\. The client 'ward' has no authorization/m, 'with one message as an example');
  assert.doesNotMatch(text, /matched|securityContacts_SOME/, 'people read the plain reason');
  assert.match(text, /--all lists every one/);
  assert.equal(text.match(/^ {6}- contoso-workload/gm)?.length, 30, 'ten per failing group');
});

test('--all lists every subscription; words are never broken, whatever the width', () => {
  const everything = tableReporter(largeReport(), { colour: false, width: 100, all: true });
  assert.equal(everything.match(/^ {6}- /gm)?.length, 403);
  assert.doesNotMatch(everything, /more subscription|--all lists/);
  const narrow = tableReporter(largeReport(), { colour: false, width: 50, limit: 2 });
  const words = new Set(largeReport().findings.flatMap((f) => [f.assetId, ...(f.assetName ? [f.assetName] : [])]));
  for (const line of narrow.split('\n')) {
    for (const word of line.trim().replace(/^- /, '').split(' ')) {
      if (word.startsWith('/subscriptions/') || word.startsWith('contoso-')) assert.ok(words.has(word), `broken word: ${word}`);
    }
  }
  // the summary table is the one part that does not wrap
  for (const line of narrow.split('\n')) if (!/^(CONTROL|azure-defender-security-contact-email +low)/.test(line)) assert.ok(line.length <= 50 || !line.trim().replace(/^- /, '').includes(' '), `too wide: ${line}`);
});

test('the table keeps tenant text inert on a terminal and says how long a failure has been open', () => {
  const report = sampleReport();
  const findings = report.findings.map((f) => (f.assetId.endsWith('02') ? { ...f, assetName: 'evil\u001b[2Jname', history: { firstSeen: '2026-03-01T00:00:00.000Z', lastSeen: '2026-03-10T00:00:00.000Z', lastChanged: '2026-03-01T00:00:00.000Z', changes: 0 } } : f));
  const text = tableReporter({ ...report, findings }, { colour: false });
  assert.ok(!text.includes('\u001b'), 'no escape sequence from tenant data reaches the terminal');
  assert.match(text, /- evil \[2Jname \/subscriptions\/00000000-0000-4000-8000-000000000002\n {8}\(first seen 2026-03-01, last change 2026-03-01\)/);
  assert.match(unwrap(text), /^ {2}EXCEPTED 1 subscription: EX-1 \(owner secops@contoso\.com, until 2026-06-30\): sandbox, retired in Q2\. Check result: no address$/m);
  assert.match(text, /FAIL 1 subscription: no address\n {6}- sub 05 \/subscriptions\/00000000-0000-4000-8000-000000000005\n {8}\(exception EX-2 expired on 2026-03-01: counted as a failure again\)\n/, 'a lapsed exception is said on its subscription, whole');
  assert.match(tableReporter(report, { colour: true }), /\u001b\[31mFAIL\u001b\[39m/);
});
