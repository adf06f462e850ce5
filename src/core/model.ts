/**
 * The data ward works on, shared by every layer. Pure types: no behaviour lives here.
 */

/** A verdict on one asset for one check. `skipped`: not applicable (a disabled or deleted subscription). */
export type FindingStatus = 'pass' | 'fail' | 'error' | 'excepted' | 'skipped';
export const FINDING_STATUSES: readonly FindingStatus[] = ['pass', 'fail', 'error', 'excepted', 'skipped'];

export type Severity = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** Why an asset's data could not be read. A connector with a read error never passes or fails. */
export interface ReadError {
  readonly code: string;
  readonly message: string;
}

/** An Azure subscription as the inventory holds it (GraphQL type `Connector`). */
export interface ConnectorRecord {
  /** ARM id: `/subscriptions/<guid>`. */
  readonly id: string;
  readonly name: string | null;
  readonly provider: 'azure';
  readonly subscriptionId: string;
  readonly tenantId: string | null;
  /** Enabled, Warned, PastDue, Disabled or Deleted. */
  readonly state: string | null;
  readonly tags: Readonly<Record<string, string>>;
  /** Set when the connector's assets could not be collected: every check on it is `error`. */
  readonly readError: ReadError | null;
  /** The configured connector (`ward connectors`) that collected the subscription; absent for a local scan. */
  readonly connectorName?: string | null;
}

export interface NotificationsByRole {
  readonly state: string | null;
  readonly roles: readonly string[];
}

export interface NotificationsSource {
  readonly sourceType: string;
  readonly minimalSeverity?: string;
  readonly minimalRiskLevel?: string;
}

/**
 * A `Microsoft.Security/securityContacts` resource, normalised over the three api-versions
 * (GraphQL type `SecurityContact`). `email` is the address string exactly as the API gave it.
 */
export interface SecurityContactRecord {
  /** Canonical ARM id (plural `securityContacts` segment, whatever the API spelled). */
  readonly id: string;
  readonly name: string;
  readonly connectorId: string;
  /** `emails` (2020/2023) or `email` (2017) as returned; null when absent or null. */
  readonly email: string | null;
  /** `email` split on `;` and `,`, trimmed, empties dropped. */
  readonly emails: readonly string[];
  /** The items of `emails` that are not a valid address (`soc`, `soc@`, `Soc <soc@x.com>`…). */
  readonly invalidEmails: readonly string[];
  readonly phone: string | null;
  readonly isEnabled: boolean | null;
  /** 2017: "On"/"Off"; 2020: `alertNotifications.state`; 2023: the state of the Alert notification source. */
  readonly alertNotifications: string | null;
  /** 2020 `alertNotifications.minimalSeverity`, 2023 the Alert source's `minimalSeverity`. */
  readonly alertMinimalSeverity: string | null;
  /** 2017 only: "On"/"Off". */
  readonly alertsToAdmins: string | null;
  readonly notificationsByRole: NotificationsByRole | null;
  readonly notificationsSources: readonly NotificationsSource[] | null;
  /** The api-version whose shape the body had: 2017-08-01-preview, 2020-01-01-preview or 2023-12-01-preview. */
  readonly apiVersion: string;
  /**
   * What the contact actually notifies, the same whatever the api-version (derived in one place,
   * normalise-capture.ts). A 2023 contact with `isEnabled: false` notifies no one: `enabled` is false.
   */
  readonly enabled: boolean;
  /** Roles emailed: 2020/2023 `notificationsByRole.roles` when its state is On; 2017 `alertsToAdmins` On is `["Owner"]`. */
  readonly notifiedRoles: readonly string[];
  /** Every alert severity emailed (threshold Medium: `["Medium", "High"]`); 2017 `alertNotifications` On is `["High"]`. */
  readonly alertSeverities: readonly string[];
  /** Every attack-path risk level emailed (2023 `AttackPath` source; threshold High: `["High", "Critical"]`). */
  readonly attackPathRiskLevels: readonly string[];
  /** The resource exactly as the API returned it (what remediation merges from). */
  readonly raw: unknown;
}

/** Everything one collection produced: the inventory a scan evaluates. */
export interface Inventory {
  readonly connectors: readonly ConnectorRecord[];
  readonly securityContacts: readonly SecurityContactRecord[];
}

export interface FrameworkMapping {
  readonly framework: string;
  readonly version: string;
  readonly requirement: string;
  readonly level?: string;
}

export interface Reference {
  readonly title: string;
  readonly url: string;
}

/** How a check's result is judged. `eq []` is the usual form; `count` comparisons are for checks over a set. */
export type Expectation =
  | { readonly kind: 'eq'; readonly value: unknown; readonly source: string }
  | { readonly kind: 'count'; readonly op: 'eq' | 'lt' | 'lte' | 'gt' | 'gte'; readonly value: number; readonly source: string };

/** A value a control parameter can take. */
export type ParameterValue = string | number | boolean;

export type ParameterType = 'String' | 'Int' | 'Float' | 'Boolean';

/** A setting a control's checks read as a GraphQL variable (`$minimalSeverity`), declared in control.yaml. */
export interface ControlParameter {
  readonly name: string;
  readonly type: ParameterType;
  readonly default: ParameterValue;
  /** When set, the only values accepted, in the order control.yaml lists them. */
  readonly allowed?: readonly ParameterValue[];
  readonly description: string;
}

/** A variable a check's query declares: `$minimalSeverity: String!`. */
export interface CheckVariable {
  readonly name: string;
  /** The GraphQL type as written, e.g. `String!`. */
  readonly type: string;
}

export interface Check {
  /** `<control-id>/<file name without .graphql>`. */
  readonly id: string;
  readonly name: string;
  /** Path of the .graphql file, for messages. */
  readonly file: string;
  readonly query: string;
  readonly expect: Expectation;
  /** Where the result list is in `data` (the root field, or its alias) and the GraphQL type it lists (e.g. `Connector`). */
  readonly rootField: string;
  readonly assetType: string;
  /** The variables the query declares: each is one of the control's parameters. */
  readonly variables: readonly CheckVariable[];
  /**
   * One plain-language reason per alternative of the check's top-level `OR`, in the query's order (absent when
   * control.yaml declares none: a failure then reads the check's name).
   */
  readonly reasons?: readonly CheckReason[];
}

/**
 * A check as a command that runs none sees it (`ward findings`, `ward exceptions`): what it is called and where it
 * is, not what its query selects. Loading a control this way reads and validates control.yaml and finds each check
 * file, but compiles no query (no GraphQL).
 */
export type CheckDescription = Pick<Check, 'id' | 'name' | 'file' | 'query' | 'expect'>;

/** The reason of one alternative of a check's filter (control.yaml `reasons`). */
export interface CheckReason {
  /** The alternative, printed in canonical GraphQL (`{securityContacts_SOME: null}`). */
  readonly match: string;
  /** What it means for the asset, in plain language (`no security contact`); may read `$variables`. */
  readonly reason: string;
}

export interface RemediationText {
  /** Console steps, in order. */
  readonly console: readonly string[];
  /** Command-line remediation, as prose with the commands. */
  readonly cli: string;
}

/** The three levels of remediation the seed lays out. */
export interface RemediationPaths {
  readonly serviceWide: string;
  readonly assetLevel: string;
  readonly preventive: string;
  readonly references: readonly Reference[];
}

export interface RolloutStep {
  readonly title: string;
  readonly steps: readonly string[];
}

export interface Control {
  readonly id: string;
  readonly title: string;
  readonly provider: string;
  readonly service: string;
  readonly severity: Severity;
  readonly assetTypes: readonly string[];
  readonly overview: string;
  readonly rationale: string;
  readonly defaultValue: string;
  readonly references: readonly Reference[];
  readonly remediation: RemediationText;
  readonly additionalInformation: string;
  readonly remediationPaths: RemediationPaths;
  readonly rollout: readonly RolloutStep[];
  readonly frameworks: readonly FrameworkMapping[];
  readonly checks: readonly Check[];
  /** Declared parameters (empty for most controls). */
  readonly parameters: readonly ControlParameter[];
  /** The value in force for each parameter: its default, or an override from ward.yaml or `--param`. */
  readonly parameterValues: Readonly<Record<string, ParameterValue>>;
  /** The folder the control was loaded from. */
  readonly directory: string;
}

/** A control as a command that runs no check loads it: the whole control, its checks described (CheckDescription). */
export interface ControlDescription extends Omit<Control, 'checks'> {
  readonly checks: readonly CheckDescription[];
}

/** One verdict: a (control, check, asset) triple in one scan. */
export interface Finding {
  readonly controlId: string;
  readonly checkId: string;
  readonly assetId: string;
  readonly assetName: string | null;
  readonly status: FindingStatus;
  /**
   * Why, in a sentence a person can act on. A failure's reason is the plain-language text followed by
   * ` (matched [...])`, the filters it matched, for machines: splitFailureReason (core/engine/explain-failure.ts)
   * parts them, and reports for people show only the text.
   */
  readonly reason: string;
  readonly severity: Severity;
  /** Set when an exception changed the verdict (or an expired one no longer does): the status the check gave. */
  readonly originalStatus?: FindingStatus;
  /** The check's own reason, when `reason` was rewritten to explain an exception. */
  readonly originalReason?: string;
  /** The exception that turns this failure into `excepted` (only `fail` findings are ever excepted). */
  readonly exception?: FindingException;
  /** An exception that covered this finding but has expired: the finding counts as a failure again. */
  readonly expiredException?: FindingException;
  /** When ward first saw this finding and when its status last changed (filled by `ward findings`). */
  readonly history?: FindingHistorySummary;
  /** The configured connector (`ward connectors`) whose scan judged it; absent for a local scan. */
  readonly connector?: string;
}

/** The part of a risk-acceptance exception a finding carries. `expires` is a date (YYYY-MM-DD, valid through that day, UTC). */
export interface FindingException {
  readonly id: string;
  readonly owner: string;
  readonly reason: string;
  readonly expires: string;
}

/** A risk acceptance: a failing (control, asset) accepted by an owner until an expiry date. */
export interface ExceptionRecord extends FindingException {
  readonly controlId: string;
  /** An ARM id, or a prefix ending in `*` (`/subscriptions/*`, `/subscriptions/0000*`); matched case-insensitively. */
  readonly assetId: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** One complete scan in a report's trend: its status counts. */
export interface TrendPoint {
  readonly scanId: number;
  readonly finishedAt: string;
  readonly counts: Readonly<Record<FindingStatus, number>>;
  /**
   * A scan narrowed with --subscription, --management-group or --control (`scans.scope` or `scans.controls` set): its counts
   * cover only part of the tenant, so a trend leaves it out rather than show it as a dip.
   */
  readonly narrowed?: boolean;
}

export interface FindingHistorySummary {
  /** ISO times of complete scans. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly lastChanged: string;
  /** Number of status changes since first seen. */
  readonly changes: number;
}
