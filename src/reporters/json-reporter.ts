import type { Reporter, ScanReport } from './scan-report.js';
import { countByControlAndStatus, countByStatus } from './scan-report.js';
import { reasonsAndFiltersOfReport } from './finding-reason.js';

/**
 * `{"findings": [{controlId, checkId, assetId, assetName, status, reason, severity}], "summary", "scan", "controls"}`.
 * `reason` is the plain-language reason (`no security contact`); a failure adds `matched`, the filters of the
 * checks it matched: `[{checkId, filter}]` (`{"checkId": "…/check", "filter": "{securityContacts_SOME: null}"}`).
 * The finding field names are a contract: scripts depend on them. Present only when they apply: `originalStatus`
 * (the check's verdict when an exception changed or no longer changes it), `exception` {id, owner, reason, expires}
 * on an excepted finding, `expiredException` on a failure whose exception lapsed, `history` {firstSeen, lastSeen,
 * lastChanged, changes} from `ward findings`, `connector` when a configured connector (`ward connectors`) read the asset.
 */

/** One finding as the report gives it: the fields in their contract order, the optional ones when they apply. */
function findingEntry(f: ScanReport['findings'][number], reasonAndFilters: ReturnType<typeof reasonsAndFiltersOfReport>): Record<string, unknown> {
  const { reason, matched } = reasonAndFilters(f);
  // assigned in order rather than spread: this runs once per finding (80,000 in a large tenant's report)
  const entry: Record<string, unknown> = { controlId: f.controlId, checkId: f.checkId, assetId: f.assetId, assetName: f.assetName, status: f.status, reason, severity: f.severity };
  if (matched.length > 0) entry.matched = matched;
  if (f.originalStatus !== undefined) entry.originalStatus = f.originalStatus;
  if (f.exception !== undefined) entry.exception = f.exception;
  if (f.expiredException !== undefined) entry.expiredException = f.expiredException;
  if (f.history !== undefined) entry.history = f.history;
  if (f.connector !== undefined) entry.connector = f.connector;
  return entry;
}

/**
 * How many findings go into one piece of the text: few enough that a piece (about 35 kB) and its bytes on the way to
 * stdout stay below V8's large-object size (128 kB) and glibc's mmap threshold, so their memory is reused from one
 * piece to the next. At 500 (about 350 kB a piece) each piece was a fresh mapping whose every page faulted in: 58 MB of
 * JSON (80,000 findings) took 30,000 page faults and 0.74 s to write, against 0.22 s at 50 (bench:history).
 */
const FINDINGS_PER_PIECE = 50;

/** What surrounds a piece's findings when they are stringified as `{findings: [...]}`, indented by 2. */
const PIECE_OPEN = '{\n  "findings": [\n';
const PIECE_CLOSE = '\n  ]\n}';

/**
 * The report is `JSON.stringify(body, null, 2)` and a newline, byte for byte, written in pieces: everything before
 * the findings, then the findings a few hundred at a time, stringified as the `findings` of an object of their own
 * (so at the depth they have in the body: `findings` is the body's last key) and cut out of it. Neither the whole
 * text nor a second copy of every finding is ever held.
 */
export const jsonReporter: Reporter = (report) => jsonPieces(report);

function* jsonPieces(report: ScanReport): Generator<string, void, undefined> {
  const byControl = countByControlAndStatus(report.findings);
  const head = {
    tool: report.tool,
    scan: report.scan,
    summary: { total: report.findings.length, ...countByStatus(report.findings) },
    controls: report.controls.map((control) => ({
      id: control.id,
      title: control.title,
      severity: control.severity,
      frameworks: control.frameworks,
      summary: byControl.get(control.id) ?? countByStatus([]),
    })),
    findings: [],
  };
  const empty = JSON.stringify(head, null, 2);
  const reasons = reasonsAndFiltersOfReport();
  if (report.findings.length === 0) {
    yield `${empty}\n`;
    return;
  }
  const tail = '[]\n}';
  if (!empty.endsWith(tail)) throw new Error('the JSON report no longer ends with its findings'); // a bug: the body's last key changed
  yield `${empty.slice(0, -tail.length)}[\n`;
  for (let start = 0; start < report.findings.length; start += FINDINGS_PER_PIECE) {
    // stringified at the depth the findings have in the body, so JSON.stringify itself indents them
    const wrapped = JSON.stringify({ findings: report.findings.slice(start, start + FINDINGS_PER_PIECE).map((f) => findingEntry(f, reasons)) }, null, 2);
    if (!wrapped.startsWith(PIECE_OPEN) || !wrapped.endsWith(PIECE_CLOSE)) throw new Error('a piece of the JSON report is not a findings list'); // a bug
    yield `${start === 0 ? '' : ',\n'}${wrapped.slice(PIECE_OPEN.length, -PIECE_CLOSE.length)}`;
  }
  yield '\n  ]\n}\n';
}
