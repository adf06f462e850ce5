import { renderControlPage } from '../../core/control/render-control-page.js';
import type { Control, Severity } from '../../core/model.js';
import { printSarifLog } from '../../reporters/sarif-log.js';
import { LANDING_ZONE_RULE, OBSOLETE_API_NOTE_RULE } from '../iac-control.js';
import { resourceKey } from '../iac-finding.js';
import type { IacReport } from './iac-report.js';

/** The base every result's path is relative to: the checkout root in CI (GitHub maps it to the repository). */
export const SARIF_SRCROOT = '%SRCROOT%';

/** GitHub's numeric scale: over 9 critical, 7 to 8.9 high, 4 to 6.9 medium, 0.1 to 3.9 low. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', informational: '0.0' };

interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId: string };
    region: { startLine: number; startColumn?: number };
  };
}

const pascal = (id: string): string => id.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');

/** A control's rule, from its control.yaml: title, overview, the preventive advice and the control page as help. */
function controlRule(control: Control) {
  return {
    id: control.id,
    name: pascal(control.id),
    shortDescription: { text: control.title },
    fullDescription: { text: control.overview },
    help: { text: `${control.overview}\n\nIn code: ${control.remediationPaths.preventive}`, markdown: renderControlPage(control) },
    ...(control.references[0] ? { helpUri: control.references[0].url } : {}),
    defaultConfiguration: { level: 'error' },
    properties: {
      tags: ['security', control.provider, control.service, ...control.frameworks.map((mapping) => `${mapping.framework} ${mapping.version} ${mapping.requirement}`)],
      'security-severity': SECURITY_SEVERITY[control.severity],
      precision: 'high',
    },
  };
}

/**
 * SARIF 2.1.0 for code-scanning tools (GitHub code scanning, Azure DevOps). A rule per control judged (from its
 * control.yaml), plus the landing-zone warning and the current-API advice. Failing findings are errors,
 * unresolved ones warnings, a resource's notes one `note` each; passing findings are not results. Input errors
 * are tool notifications and mark the run unsuccessful.
 */
export const sarifReport: IacReport = (result, options) => {
  const location = (file: string, line: number, column?: number): SarifLocation => ({
    physicalLocation: {
      artifactLocation: { uri: encodeURI(file), uriBaseId: SARIF_SRCROOT },
      region: column === undefined ? { startLine: line } : { startLine: line, startColumn: column },
    },
  });
  const rules = [
    ...result.controls.map(controlRule),
    iacRule(LANDING_ZONE_RULE, 'LandingZoneSecurityContact', 'warning', ['security', 'azure', 'landing-zone']),
    iacRule(OBSOLETE_API_NOTE_RULE, 'SecurityContactCurrentApi', 'note', ['maintainability', 'azure']),
  ];
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results: unknown[] = [];
  const noted = new Set<string>();
  for (const finding of result.findings) {
    const index = ruleIndex.get(finding.controlId);
    if (finding.status !== 'pass') {
      results.push({
        ruleId: finding.controlId,
        ...(index === undefined ? {} : { ruleIndex: index }),
        level: finding.status === 'fail' ? 'error' : 'warning',
        message: { text: `${finding.resource}: ${finding.status === 'unknown' ? 'could not be judged: ' : ''}${finding.message}` },
        locations: [location(finding.file, finding.line, finding.column)],
        properties: { status: finding.status, resource: finding.resource, ...(finding.severity === undefined ? {} : { severity: finding.severity }) },
      });
    }
    // notes are about the resource: once each, at the resource, whatever the number of controls
    for (const note of finding.notes ?? []) {
      const key = `${resourceKey(finding)}\u0000${note}`;
      if (noted.has(key)) continue;
      noted.add(key);
      results.push({
        ruleId: OBSOLETE_API_NOTE_RULE.id,
        ruleIndex: ruleIndex.get(OBSOLETE_API_NOTE_RULE.id),
        level: 'note',
        message: { text: `${finding.resource}: ${note}` },
        locations: [location(finding.file, finding.resourceLine)],
      });
    }
  }
  for (const warning of result.warnings) {
    results.push({
      ruleId: LANDING_ZONE_RULE.id,
      ruleIndex: ruleIndex.get(LANDING_ZONE_RULE.id),
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
    rules,
    results,
    extra: {
      originalUriBaseIds: { [SARIF_SRCROOT]: { description: { text: 'The folder ward iac ran in (the repository root in CI).' } } },
      invocations: [{ executionSuccessful: result.errors.length === 0, toolExecutionNotifications: notifications }],
    },
  });
};

/** A SARIF rule for one of the rules `ward iac` adds beside the controls' own (iac-control.ts). */
function iacRule(rule: { readonly id: string; readonly title: string; readonly summary: string }, name: string, level: 'warning' | 'note', tags: readonly string[]) {
  return {
    id: rule.id,
    name,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.summary },
    help: { text: rule.summary },
    defaultConfiguration: { level },
    properties: { tags: [...tags] },
  };
}
