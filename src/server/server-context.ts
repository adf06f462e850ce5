/**
 * What every part of `ward serve` works on, built once when the server starts (src/cli/commands/serve-actions.ts)
 * and passed in: the open store, the controls with their parameters in force, the clock, the scan runner. Nothing
 * in src/server reads argv, the environment or module-level state; tests build a context of their own.
 */
import type { Control } from '../core/model.js';
import type { CurrentFindings } from '../scan/current-findings.js';
import type { ScanDiff } from '../scan/scan-diff.js';
import type { Store } from '../store/sql-client.js';

/** `viewer` reads everything; `admin` may also change exceptions and start scans. */
export type Role = 'viewer' | 'admin';

/** Who a request is from: a token's name (recorded as the actor of every change it makes) and its role. */
export interface Principal {
  readonly name: string;
  readonly role: Role;
}

/** What a scan started through the server does: read a capture directory on the server's machine, or collect live. */
export interface ScanRequest {
  /** A capture directory (as `ward scan --offline`); absent: a live scan with the server's own Azure credentials. */
  readonly offline?: string;
}

export type ScanJobState = 'running' | 'complete' | 'failed';

/** A scan the server runs (one at a time), as the API and the pages show its progress. */
export interface ScanJob {
  /** `job-<n>`, the server's own count (the store's scan id is `scanId`, known once the scan is stored). */
  readonly id: string;
  readonly state: ScanJobState;
  /** What the scan is doing: `collecting`, `evaluating`, `stored`, `failed`. */
  readonly phase: string;
  readonly source: string;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly scanId: number | null;
  /** Subscriptions in the inventory, once it is read. */
  readonly subscriptions: number | null;
  /** One line saying why a failed scan failed (never a stack or a secret). */
  readonly error: string | null;
}

export interface ScanRunner {
  /** Starts a scan in the background. A WardError `SCAN_BUSY` while another runs, `USAGE` for a bad request. */
  start(request: ScanRequest, actor: string): ScanJob;
  /** The job's state now, or undefined for an unknown id. */
  get(id: string): ScanJob | undefined;
  /** Every job since the server started, newest first. */
  list(): readonly ScanJob[];
  /** Resolves when no scan runs (the server waits for it before it closes the store). */
  idle(): Promise<void>;
}

export interface ServerContext {
  readonly store: Store;
  /** The store's location as people may see it (a PostgreSQL URL without its password). */
  readonly storeLocation: string;
  /** The controls the server judges with, their parameter values in force. */
  readonly controls: readonly Control[];
  /** `--read-only`: no mutation, no form that changes anything, whatever the token's role. */
  readonly readOnly: boolean;
  readonly now: () => Date;
  /** The longest an exception may run, in days (WARD_EXCEPTION_MAX_DAYS, as the CLI). */
  readonly exceptionMaxDays: number;
  readonly scans: ScanRunner;
  /**
   * The current state (`ward findings`): the latest complete scan, or `scanId`, with exceptions applied as of now.
   * Cached until a scan completes, an exception changes or the UTC day turns; rejects with NOT_FOUND before any scan.
   */
  readonly findings: (options?: { readonly scanId?: number }) => Promise<CurrentFindings>;
  /**
   * Drift between two complete scans (`ward diff`): default the latest against the one before it. Kept per pair, as
   * complete scans never change; NOT_FOUND / USAGE WardErrors for a pair that cannot be compared.
   */
  readonly drift: (fromId?: number, toId?: number) => Promise<ScanDiff>;
}
