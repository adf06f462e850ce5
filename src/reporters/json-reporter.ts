import type { Reporter } from './scan-report.js';
import { countByStatus } from './scan-report.js';
import { findingReason, matchedFilters } from './finding-reason.js';

/**
 * `{"findings": [{controlId, checkId, assetId, assetName, status, reason, severity}], "summary", "scan", "controls"}`.
 * `reason` is the plain-language reason (`no security contact`); a failure adds `matched`, the filters of the
 * checks it matched: `[{checkId, filter}]` (`{"checkId": "…/check", "filter": "{securityContacts_SOME: null}"}`).
 * The finding field names are a contract: scripts depend on them. Present only when they apply: `originalStatus`
 * (the check's verdict when an exception changed or no longer changes it), `exception` {id, owner, reason, expires}
 * on an excepted finding, `expiredException` on a failure whose exception lapsed, `history` {firstSeen, lastSeen,
 * lastChanged, changes} from `ward findings`, `connector` when a configured connector (`ward connectors`) read the asset.
 */
const matchedOf = (f: Parameters<typeof matchedFilters>[0]) => {
  const matched = matchedFilters(f);
  return matched.length === 0 ? {} : { matched };
};

export const jsonReporter: Reporter = (report) => {
  const body = {
    tool: report.tool,
    scan: report.scan,
    summary: { total: report.findings.length, ...countByStatus(report.findings) },
    controls: report.controls.map((control) => ({
      id: control.id,
      title: control.title,
      severity: control.severity,
      frameworks: control.frameworks,
      summary: countByStatus(report.findings.filter((f) => f.controlId === control.id)),
    })),
    findings: report.findings.map((f) => ({
      controlId: f.controlId,
      checkId: f.checkId,
      assetId: f.assetId,
      assetName: f.assetName,
      status: f.status,
      reason: findingReason(f),
      severity: f.severity,
      ...(matchedOf(f)),
      ...(f.originalStatus === undefined ? {} : { originalStatus: f.originalStatus }),
      ...(f.exception === undefined ? {} : { exception: f.exception }),
      ...(f.expiredException === undefined ? {} : { expiredException: f.expiredException }),
      ...(f.history === undefined ? {} : { history: f.history }),
      ...(f.connector === undefined ? {} : { connector: f.connector }),
    })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
};
