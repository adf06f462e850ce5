import type { Control, Severity } from '../core/model.js';
import type { IacContactResource } from './contact-resource.js';
import type { IacFormatName } from './iac-format-name.js';

/**
 * What `ward iac` reports: one finding per (security-contact resource found in code, control), warnings for
 * configurations that create subscriptions without a contact, and input errors for files it could not read.
 * Plain data; every report format renders this and nothing else.
 */
export type IacStatus = 'pass' | 'fail' | 'unknown';

export type { IacFormatName } from './iac-format-name.js';

export interface IacFinding {
  /** Path relative to the working directory, `/`-separated. */
  readonly file: string;
  /** 1-based line of the property the control reads (the unresolved one, for unknown), or of the resource when it is absent. */
  readonly line: number;
  readonly column?: number;
  /** The resource as the source names it: `azurerm_security_center_contact.main`, `Microsoft.Security/securityContacts 'default'`. */
  readonly resource: string;
  /** The line the resource is declared on: with `file` and `resource`, what identifies it across its findings. */
  readonly resourceLine: number;
  readonly controlId: string;
  readonly status: IacStatus;
  readonly message: string;
  readonly severity?: Severity;
  /** Advice that does not change the verdict (obsolete api-version, legacy names): the same on every finding of a resource. */
  readonly notes?: readonly string[];
  readonly format?: IacFormatName;
}

export type IacWarningKind = 'landing-zone-without-contact';

export interface IacWarning {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
  readonly resource: string;
  readonly kind: IacWarningKind;
  readonly message: string;
}

/** A file that could not be read, parsed or compiled. Never silently dropped: it makes the run exit 2. */
export interface IacInputError {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** What the formats read from code, before any control judges it. */
export interface IacExtraction {
  readonly resources: readonly IacContactResource[];
  readonly warnings: readonly IacWarning[];
  readonly errors: readonly IacInputError[];
  /** Files read as Terraform, plan JSON, ARM or Bicep (JSON files that are neither are not counted). */
  readonly filesScanned: number;
}

export interface IacScanResult {
  readonly findings: readonly IacFinding[];
  readonly warnings: readonly IacWarning[];
  readonly errors: readonly IacInputError[];
  readonly filesScanned: number;
  /** The controls every resource was judged against (their metadata is what reports show). */
  readonly controls: readonly Control[];
}

export interface IacSummary {
  readonly files: number;
  /** Security-contact resources judged. */
  readonly resources: number;
  /** Findings: one per (resource, control). */
  readonly findings: number;
  readonly pass: number;
  readonly fail: number;
  readonly unknown: number;
  readonly warnings: number;
  readonly errors: number;
}

/** The identity of the resource a finding is about. */
export function resourceKey(finding: Pick<IacFinding, 'file' | 'resourceLine' | 'resource'>): string {
  return `${finding.file}\u0000${finding.resourceLine}\u0000${finding.resource}`;
}

export function summarizeIacScan(result: Pick<IacScanResult, 'findings' | 'warnings' | 'errors' | 'filesScanned'>): IacSummary {
  const count = (status: IacStatus): number => result.findings.filter((finding) => finding.status === status).length;
  return {
    files: result.filesScanned,
    resources: new Set(result.findings.map(resourceKey)).size,
    findings: result.findings.length,
    pass: count('pass'),
    fail: count('fail'),
    unknown: count('unknown'),
    warnings: result.warnings.length,
    errors: result.errors.length,
  };
}

export const EMPTY_IAC_EXTRACTION: IacExtraction = { resources: [], warnings: [], errors: [], filesScanned: 0 };

/** Concatenates partial extractions (one per file or module) in order. */
export function mergeIacExtractions(parts: readonly IacExtraction[]): IacExtraction {
  return {
    resources: parts.flatMap((part) => part.resources),
    warnings: parts.flatMap((part) => part.warnings),
    errors: parts.flatMap((part) => part.errors),
    filesScanned: parts.reduce((sum, part) => sum + part.filesScanned, 0),
  };
}
