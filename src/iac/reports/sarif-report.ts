import { printSarifLog } from '../../reporters/sarif-log.js';
import { IAC_CONTROL, LANDING_ZONE_RULE, OBSOLETE_API_NOTE_RULE } from '../iac-control.js';
import type { IacReport } from './iac-report.js';

/** The base every result's path is relative to: the checkout root in CI (GitHub maps it to the repository). */
export const SARIF_SRCROOT = '%SRCROOT%';

interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId: string };
    region: { startLine: number; startColumn?: number };
  };
}

/**
 * SARIF 2.1.0 for code-scanning tools (GitHub code scanning, Azure DevOps). Failing resources are
 * errors, unresolved ones warnings, and the advice notes and landing-zone warnings are their own rules;
 * passing resources are not results. Input errors are tool notifications and mark the run unsuccessful.
 */
export const sarifReport: IacReport = (result, options) => {
  const location = (file: string, line: number, column?: number): SarifLocation => ({
    physicalLocation: {
      artifactLocation: { uri: encodeURI(file), uriBaseId: SARIF_SRCROOT },
      region: column === undefined ? { startLine: line } : { startLine: line, startColumn: column },
    },
  });
  const results: unknown[] = [];
  for (const finding of result.findings) {
    if (finding.status !== 'pass') {
      results.push({
        ruleId: IAC_CONTROL.id,
        ruleIndex: 0,
        level: finding.status === 'fail' ? 'error' : 'warning',
        message: { text: `${finding.resource}: ${finding.status === 'unknown' ? 'could not be judged: ' : ''}${finding.message}` },
        locations: [location(finding.file, finding.line, finding.column)],
        properties: { status: finding.status, resource: finding.resource },
      });
    }
    for (const note of finding.notes ?? []) {
      results.push({
        ruleId: OBSOLETE_API_NOTE_RULE.id,
        ruleIndex: 2,
        level: 'note',
        message: { text: `${finding.resource}: ${note}` },
        locations: [location(finding.file, finding.line, finding.column)],
      });
    }
  }
  for (const warning of result.warnings) {
    results.push({
      ruleId: LANDING_ZONE_RULE.id,
      ruleIndex: 1,
      level: 'warning',
      message: { text: warning.message },
      locations: [location(warning.file, warning.line, warning.column)],
    });
  }
  const notifications = result.errors.map((error) => ({
    level: 'error',
    message: { text: error.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(error.file), uriBaseId: SARIF_SRCROOT },
          ...(error.line === undefined ? {} : { region: error.column === undefined ? { startLine: error.line } : { startLine: error.line, startColumn: error.column } }),
        },
      },
    ],
  }));
  return printSarifLog({
    toolVersion: options.toolVersion,
    rules: [
      {
        id: IAC_CONTROL.id,
        name: 'SecurityContactEmail',
        shortDescription: { text: IAC_CONTROL.title },
        fullDescription: { text: IAC_CONTROL.summary },
        help: { text: `${IAC_CONTROL.summary}\n\nFix: ${IAC_CONTROL.remediation}`, markdown: `${IAC_CONTROL.summary}\n\n**Fix:** ${IAC_CONTROL.remediation}` },
        helpUri: IAC_CONTROL.helpUri,
        defaultConfiguration: { level: 'error' },
        properties: { tags: ['security', 'azure', 'defender-for-cloud', ...IAC_CONTROL.frameworks], 'security-severity': '3.0', precision: 'high' },
      },
      {
        id: LANDING_ZONE_RULE.id,
        name: 'LandingZoneSecurityContact',
        shortDescription: { text: LANDING_ZONE_RULE.title },
        fullDescription: { text: LANDING_ZONE_RULE.summary },
        help: { text: LANDING_ZONE_RULE.summary },
        defaultConfiguration: { level: 'warning' },
        properties: { tags: ['security', 'azure', 'landing-zone'] },
      },
      {
        id: OBSOLETE_API_NOTE_RULE.id,
        name: 'SecurityContactCurrentApi',
        shortDescription: { text: OBSOLETE_API_NOTE_RULE.title },
        fullDescription: { text: OBSOLETE_API_NOTE_RULE.summary },
        help: { text: OBSOLETE_API_NOTE_RULE.summary },
        defaultConfiguration: { level: 'note' },
        properties: { tags: ['maintainability', 'azure'] },
      },
    ],
    results,
    extra: {
      originalUriBaseIds: { [SARIF_SRCROOT]: { description: { text: 'The folder ward iac ran in (the repository root in CI).' } } },
      invocations: [{ executionSuccessful: result.errors.length === 0, toolExecutionNotifications: notifications }],
    },
  });
};
