import { summarizeIacScan } from '../iac-finding.js';
import type { IacReport } from './iac-report.js';

/** `{"controls": [...], "findings": [...], "warnings": [...], "errors": [...], "summary": {...}}`, one JSON document. */
export const jsonReport: IacReport = (result) => {
  const document = {
    controls: result.controls.map((control) => ({
      id: control.id,
      title: control.title,
      severity: control.severity,
      frameworks: control.frameworks.map((mapping) => `${mapping.framework} ${mapping.version} ${mapping.requirement}`),
    })),
    findings: result.findings.map((finding) => ({
      file: finding.file,
      line: finding.line,
      ...(finding.column === undefined ? {} : { column: finding.column }),
      resource: finding.resource,
      resourceLine: finding.resourceLine,
      controlId: finding.controlId,
      status: finding.status,
      message: finding.message,
      ...(finding.severity === undefined ? {} : { severity: finding.severity }),
      ...(finding.notes && finding.notes.length > 0 ? { notes: finding.notes } : {}),
    })),
    warnings: result.warnings,
    errors: result.errors,
    summary: summarizeIacScan(result),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
};
