import { createHash } from 'node:crypto';
import type { ControlDescription, Finding, FindingStatus, Severity } from '../core/model.js';
import { compiledCheck } from '../core/control/compiled-check.js';
import { findingReason, matchedFilters } from './finding-reason.js';
import type { ReportAsset, StringReporter } from './scan-report.js';

/** The OCSF version the events follow (the schema in test-data/ocsf-2003.schema.json is built from it). */
export const OCSF_VERSION = '1.6.0';

const CLASS_UID = 2003;
const ACTIVITY_CREATE = 1;

/** OCSF severity_id: 1 Informational … 5 Critical. */
const SEVERITY_ID: Record<Severity, number> = { informational: 1, low: 2, medium: 3, high: 4, critical: 5 };
const SEVERITY_CAPTION: Record<Severity, string> = { informational: 'Informational', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

/**
 * compliance.status_id: 1 Pass, 2 Warning (no result for missing information), 3 Fail, 99 Other. An excepted
 * finding still failed its check (the exception is the finding's Suppressed status); an error (the data could not be
 * read) and a skipped subscription (not evaluated) are neither pass nor fail, so they are Other with ward's word.
 */
const COMPLIANCE_STATUS: Record<FindingStatus, { readonly id: number; readonly caption: string }> = {
  pass: { id: 1, caption: 'Pass' },
  fail: { id: 3, caption: 'Fail' },
  excepted: { id: 3, caption: 'Fail' },
  error: { id: 99, caption: 'Error' },
  skipped: { id: 99, caption: 'Skipped' },
};

/** The finding's place in a review workflow: an accepted exception is Suppressed, anything else is New. */
const findingStatus = (f: Finding) => (f.status === 'excepted' ? { status_id: 3, status: 'Suppressed' } : { status_id: 1, status: 'New' });

/** The stable identity of an OCSF finding: control, check and asset (ARM ids are case-insensitive), never the scan. */
export function ocsfFindingUid(f: Pick<Finding, 'controlId' | 'checkId' | 'assetId'>): string {
  return createHash('sha256').update(`${f.controlId}\u0000${f.checkId}\u0000${f.assetId.toLowerCase()}`).digest('hex');
}

/** An OCSF timestamp (epoch ms) and its `_dt` twin (RFC 3339), or nothing for a missing or unreadable time. */
function timeOf(name: string, iso: string | undefined): Record<string, number | string> {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? {} : { [name]: ms, [`${name}_dt`]: new Date(ms).toISOString() };
}
const subscriptionIdOf = (assetId: string) => /^\/subscriptions\/([^/]+)/i.exec(assetId)?.[1];
const unique = (values: readonly string[]) => [...new Set(values)];
const present = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0))) as Partial<T>;

function remediationOf(control: ControlDescription) {
  const steps = control.remediation.console.map((step, i) => `${i + 1}. ${step}`).join('\n');
  const desc = [steps, control.remediation.cli].filter((part) => part.trim() !== '').join('\n\n');
  const references = unique([...control.references, ...control.remediationPaths.references].map((r) => r.url));
  return desc === '' ? undefined : present({ desc, references });
}

function complianceOf(f: Finding, control: ControlDescription | undefined) {
  const status = COMPLIANCE_STATUS[f.status];
  const reason = findingReason(f, { original: f.status === 'excepted' });
  const parameters = Object.entries(control?.parameterValues ?? {}).map(([name, value]) => ({ name, value: String(value) }));
  return {
    control: f.controlId,
    // always present, if empty: OCSF 1.3 required it
    standards: unique((control?.frameworks ?? []).map((m) => `${m.framework} ${m.version}`)),
    ...present({
    requirements: unique((control?.frameworks ?? []).map((m) => `${m.framework} ${m.version} ${m.requirement}`)),
    status_id: status.id,
    status: status.caption,
    status_code: f.status,
    status_details: reason === '' ? undefined : [reason],
    control_parameters: parameters,
    }),
  };
}

function resourceOf(f: Finding, control: ControlDescription | undefined, asset: ReportAsset | undefined) {
  const described = control?.checks.find((c) => c.id === f.checkId);
  const check = described === undefined ? undefined : compiledCheck(described);
  const subscriptionId = subscriptionIdOf(f.assetId);
  const isSubscription = /^\/subscriptions\/[^/]+$/i.test(f.assetId);
  return present({
    uid: f.assetId,
    name: f.assetName ?? asset?.name ?? undefined,
    type: isSubscription ? 'Microsoft.Resources/subscriptions' : check?.assetType,
    role_id: 1,
    role: 'Target',
    tags: Object.entries(asset?.tags ?? {}).map(([name, value]) => ({ name, value })),
    data: present({ subscriptionId, tenantId: asset?.tenantId ?? undefined, assetType: check?.assetType }),
  });
}

function cloudOf(f: Finding, asset: ReportAsset | undefined) {
  const subscriptionId = subscriptionIdOf(f.assetId);
  const tenantId = asset?.tenantId;
  return present({
    provider: 'Azure',
    account: subscriptionId
      ? present({ uid: subscriptionId, name: f.assetName ?? asset?.name ?? undefined, type_id: 13, type: 'Azure Subscription' })
      : undefined,
    org: tenantId ? { uid: tenantId } : undefined,
  });
}

/**
 * OCSF Compliance Finding events (class_uid 2003, category Findings), a JSON array with one event per finding of
 * every status, as Prowler's `json-ocsf` output is: the control is the finding (`finding_info`, `compliance` with
 * its frameworks), the asset is the resource and the cloud account (an Azure subscription), ward's own verdict
 * details sit under `unmapped.ward`. `finding_info.uid` is stable across scans; `time` is the scan's.
 * docs/ocsf.md lists the mapping field by field.
 */
export const ocsfReporter: StringReporter = (report) => {
  const controls = new Map(report.controls.map((c) => [c.id, c]));
  const assets = new Map((report.assets ?? []).map((a) => [a.id.toLowerCase(), a]));
  const scanTime = timeOf('time', report.scan.finishedAt ?? report.scan.startedAt);
  if (scanTime.time === undefined) throw new Error(`scan ${report.scan.id ?? '(unsaved)'} has no readable time: ${report.scan.finishedAt ?? report.scan.startedAt}`);
  const events = report.findings.map((f) => {
    const control = controls.get(f.controlId);
    const asset = assets.get(f.assetId.toLowerCase());
    const label = f.assetName ? `${f.assetName} (${f.assetId})` : f.assetId;
    const reason = findingReason(f, { original: f.status === 'excepted' });
    const title = control?.title ?? f.controlId;
    const message =
      f.status === 'error' ? `Could not evaluate ${title} on ${label}: ${reason}` : `${title}: ${label}: ${findingReason(f)}`;
    const remediation = control ? remediationOf(control) : undefined;
    const matched = matchedFilters(f);
    return {
      activity_id: ACTIVITY_CREATE,
      activity_name: 'Create',
      category_uid: 2,
      category_name: 'Findings',
      class_uid: CLASS_UID,
      class_name: 'Compliance Finding',
      type_uid: CLASS_UID * 100 + ACTIVITY_CREATE,
      type_name: 'Compliance Finding: Create',
      severity_id: SEVERITY_ID[f.severity],
      severity: SEVERITY_CAPTION[f.severity],
      ...findingStatus(f),
      ...scanTime,
      message,
      status_code: f.status,
      status_detail: reason,
      metadata: {
        version: OCSF_VERSION,
        product: { name: 'ward', uid: 'ward', vendor_name: 'ward', version: report.tool.version },
        event_code: f.controlId,
        profiles: ['cloud', 'datetime'],
      },
      finding_info: present({
        uid: ocsfFindingUid(f),
        title,
        desc: control?.overview,
        types: control ? [`${control.provider}/${control.service}`] : undefined,
        created_time: scanTime.time,
        created_time_dt: scanTime.time_dt,
        ...timeOf('created_time', f.history?.firstSeen),
        ...timeOf('first_seen_time', f.history?.firstSeen),
        ...timeOf('last_seen_time', f.history?.lastSeen),
        ...timeOf('modified_time', f.history?.lastChanged),
        src_url: control?.references[0]?.url,
      }),
      compliance: complianceOf(f, control),
      resources: [resourceOf(f, control, asset)],
      cloud: cloudOf(f, asset),
      ...(remediation ? { remediation } : {}),
      unmapped: {
        ward: present({
          status: f.status,
          checkId: f.checkId,
          reason,
          matched,
          connector: f.connector ?? undefined,
          scanId: report.scan.id ?? undefined,
          source: report.scan.source,
          originalStatus: f.originalStatus,
          exception: f.exception,
          expiredException: f.expiredException,
        }),
      },
    };
  });
  return `${JSON.stringify(events, null, 2)}\n`;
};
