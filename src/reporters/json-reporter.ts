import type { Reporter, ScanReport } from './scan-report.js';
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

/** One finding as the report gives it: the fields in their contract order, the optional ones when they apply. */
function findingEntry(f: ScanReport['findings'][number]): Record<string, unknown> {
  return {
    controlId: f.controlId,
    checkId: f.checkId,
    assetId: f.assetId,
    assetName: f.assetName,
    status: f.status,
    reason: findingReason(f),
    severity: f.severity,
    ...matchedOf(f),
    ...(f.originalStatus === undefined ? {} : { originalStatus: f.originalStatus }),
    ...(f.exception === undefined ? {} : { exception: f.exception }),
    ...(f.expiredException === undefined ? {} : { expiredException: f.expiredException }),
    ...(f.history === undefined ? {} : { history: f.history }),
    ...(f.connector === undefined ? {} : { connector: f.connector }),
  };
}

/** How many findings go into one piece of the text. */
const FINDINGS_PER_PIECE = 500;

/**
 * The report is `JSON.stringify(body, null, 2)` and a newline, byte for byte, written in pieces: everything before
 * the findings, then the findings a few hundred at a time, each stringified on its own and indented to its depth
 * (`findings` is the body's last key; JSON text holds no raw newline inside a string, so re-indenting at each
 * newline is exact). Neither the whole text nor a second copy of every finding is ever held.
 */
export const jsonReporter: Reporter = (report) => jsonPieces(report);

function* jsonPieces(report: ScanReport): Generator<string, void, undefined> {
  const head = {
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
    findings: [],
  };
  const empty = JSON.stringify(head, null, 2);
  if (report.findings.length === 0) {
    yield `${empty}\n`;
    return;
  }
  const tail = '[]\n}';
  if (!empty.endsWith(tail)) throw new Error('the JSON report no longer ends with its findings'); // a bug: the body's last key changed
  yield `${empty.slice(0, -tail.length)}[\n`;
  for (let start = 0; start < report.findings.length; start += FINDINGS_PER_PIECE) {
    const piece = report.findings.slice(start, start + FINDINGS_PER_PIECE).map((f) => `    ${JSON.stringify(findingEntry(f), null, 2).replace(/\n/g, '\n    ')}`);
    yield `${start === 0 ? '' : ',\n'}${piece.join(',\n')}`;
  }
  yield '\n  ]\n}\n';
}
