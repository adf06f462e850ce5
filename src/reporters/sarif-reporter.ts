import { printSarifLog } from './sarif-log.js';
import { createHash } from 'node:crypto';
import { renderControlPage } from '../core/control/render-control-page.js';
import type { ControlDescription, Finding, Severity } from '../core/model.js';
import type { StringReporter } from './scan-report.js';
import { findingReason, matchedFilters } from './finding-reason.js';

/** GitHub's numeric scale: over 9 critical, 7 to 8.9 high, 4 to 6.9 medium, 0.1 to 3.9 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', informational: '0.0' };
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', informational: 'note' };

/** The stable identity of a finding across scans: control and asset (ARM ids are case-insensitive), whichever check decided it. */
export function findingFingerprint(f: Pick<Finding, 'controlId' | 'assetId'>): string {
  return createHash('sha256').update(`${f.controlId}\u0000${f.assetId.toLowerCase()}`).digest('hex');
}

/** A repository-relative path standing for the asset (GitHub needs a physical location): `azure/subscriptions/<id>`. */
export function assetArtifactUri(assetId: string): string {
  return `azure${assetId.split('/').map((part) => encodeURIComponent(part)).join('/')}`;
}

const pascal = (id: string): string => id.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

function rule(control: ControlDescription) {
  const steps = control.remediation.console.map((step, i) => `${i + 1}. ${step}`).join('\n');
  return {
    id: control.id,
    name: pascal(control.id),
    shortDescription: { text: control.title },
    fullDescription: { text: control.overview },
    help: { text: `${control.overview}\n\nRemediation:\n${steps}`, markdown: renderControlPage(control) },
    ...(control.references[0] ? { helpUri: control.references[0].url } : {}),
    defaultConfiguration: { level: LEVEL[control.severity] },
    properties: {
      tags: ['security', control.provider, control.service, ...control.frameworks.map((f) => `${f.framework} ${f.version} ${f.requirement}`)],
      precision: 'very-high',
      'security-severity': SECURITY_SEVERITY[control.severity],
      references: control.references.map((r) => r.url),
    },
  };
}

/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. A rule per control (its whole page as help
 * markdown); a result per `fail`, `error` and `excepted` finding, located at the asset's ARM id (a logical
 * location, plus an `azure/subscriptions/<id>` artifact URI since GitHub requires a physical one).
 * - `fail`: level by the control's severity;
 * - `error`: ward could not read or evaluate the data: level `warning` at least, message starting "Could not
 *   evaluate", `properties.wardStatus: "error"`, and kind `fail` so code scanning keeps it open;
 * - `excepted`: carries an accepted external suppression with the exception's owner, expiry and reason.
 * partialFingerprints hash (control, check, asset), so an alert stays the same alert across scans.
 */
export const sarifReporter: StringReporter = (report) => {
  const controls = report.controls;
  const index = new Map(controls.map((c, i) => [c.id, i]));
  const results = report.findings
    .filter((f) => f.status === 'fail' || f.status === 'error' || f.status === 'excepted')
    .filter((f) => index.has(f.controlId))
    .map((f) => {
      const control = controls[index.get(f.controlId)!]!;
      const label = f.assetName ? `${f.assetName} (${f.assetId})` : f.assetId;
      const level = f.status === 'error' && LEVEL[control.severity] === 'note' ? 'warning' : LEVEL[control.severity];
      const reason = findingReason(f, { original: f.status === 'excepted' });
      const text =
        f.status === 'error'
          ? `Could not evaluate ${control.title.toLowerCase()} on ${label}: ${reason}`
          : `${label}: ${reason}`;
      const matched = matchedFilters(f);
      const fingerprint = findingFingerprint(f);
      return {
        ruleId: control.id,
        ruleIndex: index.get(f.controlId)!,
        kind: 'fail',
        level,
        message: { text },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: assetArtifactUri(f.assetId) }, region: { startLine: 1 } },
            logicalLocations: [{ fullyQualifiedName: f.assetId, name: f.assetName ?? f.assetId, kind: 'resource' }],
          },
        ],
        partialFingerprints: { 'wardFinding/v1': fingerprint, primaryLocationLineHash: `${fingerprint.slice(0, 16)}:1` },
        ...(f.exception
          ? {
              suppressions: [
                {
                  kind: 'external',
                  status: 'accepted',
                  justification: `${f.exception.id}: accepted by ${f.exception.owner} until ${f.exception.expires}: ${f.exception.reason}`,
                },
              ],
            }
          : {}),
        properties: {
          wardStatus: f.status,
          checkId: f.checkId,
          severity: f.severity,
          ...(matched.length > 0 ? { matched } : {}),
          ...(f.originalStatus ? { originalStatus: f.originalStatus } : {}),
          ...(f.exception ? { exception: f.exception } : {}),
          ...(f.expiredException ? { expiredException: f.expiredException } : {}),
          ...(f.connector ? { connector: f.connector } : {}),
        },
      };
    });
  return printSarifLog({
    toolVersion: report.tool.version,
    rules: controls.map(rule),
    results,
    extra: {
      invocations: [
        {
          executionSuccessful: true,
          startTimeUtc: report.scan.startedAt,
          ...(report.scan.finishedAt ? { endTimeUtc: report.scan.finishedAt } : {}),
        },
      ],
      properties: { scanId: report.scan.id, source: report.scan.source },
    },
  });
};
