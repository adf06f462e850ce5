import { create } from 'xmlbuilder2';
import { summarizeIacScan } from '../iac-finding.js';
import type { IacReport } from './iac-report.js';

/**
 * JUnit XML: a testsuite per file, a testcase per (resource, control) with the control id as classname. A
 * failing one is a `<failure>`, an unresolved one is `<skipped>` (it was not judged; `--fail-on unknown` makes
 * the run fail on it), a file that could not be read is an `<error>`, and a landing-zone warning is a
 * `<skipped>` of type warning.
 */
export const junitReport: IacReport = (result) => {
  const files = [...new Set([...result.findings.map((item) => item.file), ...result.warnings.map((item) => item.file), ...result.errors.map((item) => item.file)])].sort();
  const summary = summarizeIacScan(result);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', {
    name: 'ward iac',
    tests: String(summary.findings + summary.warnings + summary.errors),
    failures: String(summary.fail),
    errors: String(summary.errors),
    skipped: String(summary.unknown + summary.warnings),
  });
  for (const file of files) {
    const findings = result.findings.filter((item) => item.file === file);
    const warnings = result.warnings.filter((item) => item.file === file);
    const errors = result.errors.filter((item) => item.file === file);
    const suite = root.ele('testsuite', {
      name: file,
      tests: String(findings.length + warnings.length + errors.length),
      failures: String(findings.filter((item) => item.status === 'fail').length),
      errors: String(errors.length),
      skipped: String(findings.filter((item) => item.status === 'unknown').length + warnings.length),
    });
    for (const finding of findings) {
      const test = suite.ele('testcase', { name: `${finding.resource} (line ${finding.line})`, classname: finding.controlId, file: finding.file, line: String(finding.line) });
      if (finding.status === 'fail') test.ele('failure', { message: finding.message, type: 'fail' }).txt(`${finding.file}:${finding.line}: ${finding.message}`);
      else if (finding.status === 'unknown') test.ele('skipped', { message: `unknown: ${finding.message}` });
      if (finding.notes && finding.notes.length > 0) test.ele('system-out').txt(finding.notes.map((note) => `note: ${note}`).join('\n'));
    }
    for (const warning of warnings) {
      suite
        .ele('testcase', { name: `${warning.resource} (line ${warning.line})`, classname: 'ward-iac-landing-zone-contact', file: warning.file, line: String(warning.line) })
        .ele('skipped', { message: `warning: ${warning.message}` });
    }
    for (const error of errors) {
      suite
        .ele('testcase', { name: `read ${error.file}`, classname: 'ward-iac', file: error.file, ...(error.line === undefined ? {} : { line: String(error.line) }) })
        .ele('error', { message: error.message, type: 'input-error' })
        .txt(`${error.file}${error.line === undefined ? '' : `:${error.line}:${error.column ?? 1}`}: ${error.message}`);
    }
  }
  return `${root.end({ prettyPrint: true })}\n`;
};
