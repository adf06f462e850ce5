/**
 * What `ward iac` reports: one finding per security-contact resource found in code, warnings for
 * configurations that create subscriptions without a contact, and input errors for files it could
 * not read. Plain data; every report format renders this and nothing else.
 */
export type IacStatus = 'pass' | 'fail' | 'unknown';

export type IacSeverity = 'low' | 'medium' | 'high';

/** The source formats `ward iac` reads (the keys of the format registry). */
export type IacFormatName = 'terraform' | 'terraformPlan' | 'arm' | 'bicep';

export interface IacFinding {
  /** Path relative to the working directory, `/`-separated. */
  readonly file: string;
  /** 1-based line of the address attribute, or of the resource when the attribute is absent. */
  readonly line: number;
  readonly column?: number;
  /** The resource as the source names it: `azurerm_security_center_contact.main`, `Microsoft.Security/securityContacts 'default'`. */
  readonly resource: string;
  readonly controlId: string;
  readonly status: IacStatus;
  readonly message: string;
  readonly severity?: IacSeverity;
  /** Advice that does not change the verdict (obsolete api-version, legacy names). */
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

export interface IacScanResult {
  readonly findings: readonly IacFinding[];
  readonly warnings: readonly IacWarning[];
  readonly errors: readonly IacInputError[];
  /** Files read as Terraform, plan JSON, ARM or Bicep (JSON files that are neither are not counted). */
  readonly filesScanned: number;
}

export interface IacSummary {
  readonly files: number;
  readonly resources: number;
  readonly pass: number;
  readonly fail: number;
  readonly unknown: number;
  readonly warnings: number;
  readonly errors: number;
}

export function summarizeIacScan(result: IacScanResult): IacSummary {
  const count = (status: IacStatus): number => result.findings.filter((finding) => finding.status === status).length;
  return {
    files: result.filesScanned,
    resources: result.findings.length,
    pass: count('pass'),
    fail: count('fail'),
    unknown: count('unknown'),
    warnings: result.warnings.length,
    errors: result.errors.length,
  };
}

export const EMPTY_IAC_RESULT: IacScanResult = { findings: [], warnings: [], errors: [], filesScanned: 0 };

/** Concatenates partial results (one per file or module) in order. */
export function mergeIacResults(parts: readonly IacScanResult[]): IacScanResult {
  return {
    findings: parts.flatMap((part) => part.findings),
    warnings: parts.flatMap((part) => part.warnings),
    errors: parts.flatMap((part) => part.errors),
    filesScanned: parts.reduce((sum, part) => sum + part.filesScanned, 0),
  };
}
