/**
 * The moments a `ward scan` records about itself (`--timings`), so that what a user pays for one scan, one process,
 * can be read phase by phase. Each is a time in milliseconds since the process started; a phase a scan never
 * reaches (an offline scan makes no request) is absent. Phases overlap: the store opens while the collection runs.
 */
export const SCAN_PHASES = [
  /** The scan command starts running: node has started and the CLI's modules are loaded. */
  'cli-ready',
  /** The first ARM request is sent (the token request comes before it). */
  'first-request',
  /** The subscriptions in scope are all listed. */
  'listed',
  /** The last ARM answer arrived (live), or the capture directory is read (offline). */
  'collected',
  /** The controls are loaded and their checks validated. */
  'controls-loaded',
  /** The store is open, migrated and ready for the scan's transaction. */
  'store-open',
  /** The inventory is written into the scan's transaction. */
  'inventory-written',
  /** Every check has been run and its findings made. */
  'evaluated',
  /** The scan's transaction committed: findings, inventory and summary are stored. */
  'stored',
  /** The report is written. */
  'reported',
  /** The process is about to exit. */
  'exit',
] as const;

export type ScanPhase = (typeof SCAN_PHASES)[number];

/** Called as a scan reaches each phase; the first call for a phase counts. */
export type OnScanPhase = (phase: ScanPhase) => void;

/** What `ward scan --timings FILE` writes (JSON). */
export interface ScanTimings {
  readonly version: 1;
  /** Milliseconds since the process started, per phase reached. */
  readonly phasesMs: Readonly<Partial<Record<ScanPhase, number>>>;
  /** The process's peak resident set size so far, in MB (1 MB = 1,048,576 bytes). */
  readonly maxRssMb: number;
  readonly subscriptions: number;
  readonly findings: number;
}
