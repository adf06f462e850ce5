/**
 * The names of the registries whose entries commands load only when they run (reporters, IaC reports,
 * remediation emitters), for `--format`/`--emit` help and choices without importing the registries themselves:
 * `ward --help` must not load xmlbuilder2, graphql or the Azure SDK.
 *
 * Only types are imported here (erased at runtime). Each list is checked against its registry's keys at
 * type-check time: a format added to a registry and not here (or the reverse) is a compile error. The order is
 * the registry's, as the help text printed it before.
 */
import type { ReportFormat } from '../reporters/index.js';
import type { IacReportName } from '../iac/reports/index.js';
import type { EmitFormat } from '../remediation/emitters/index.js';

/** `true` when the list names every key of the registry, else the missing keys (a type error where used). */
type Covers<Key extends string, List extends readonly string[]> = [Exclude<Key, List[number]>] extends [never] ? true : Exclude<Key, List[number]>;

export const REPORT_FORMATS = ['table', 'json', 'csv', 'sarif', 'junit', 'html', 'ocsf'] as const satisfies readonly ReportFormat[];
export const IAC_REPORT_NAMES = ['table', 'json', 'sarif', 'junit'] as const satisfies readonly IacReportName[];
export const EMIT_FORMATS = ['az', 'rest', 'curl', 'powershell', 'arm', 'bicep', 'terraform'] as const satisfies readonly EmitFormat[];

export const REGISTRY_NAMES_COMPLETE: readonly [
  Covers<ReportFormat, typeof REPORT_FORMATS>,
  Covers<IacReportName, typeof IAC_REPORT_NAMES>,
  Covers<EmitFormat, typeof EMIT_FORMATS>,
] = [true, true, true];
