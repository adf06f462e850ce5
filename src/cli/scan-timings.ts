/**
 * `ward scan --timings [FILE]`: when each phase of the scan happened, in milliseconds since the process started,
 * and the process's peak RSS. With a file the timings are written there as JSON (ScanTimings, for benchmarks);
 * without, a table goes to stderr. Both happen as the process exits, so that the exit itself is measured.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SCAN_PHASES, type OnScanPhase, type ScanPhase, type ScanTimings } from '../core/scan-phases.js';
import type { CliIo } from './cli-context.js';

export interface ScanTimingsRecorder {
  readonly mark: OnScanPhase;
  /** Records the scan's size and writes the timings as the process exits (at once where the io cannot tell). */
  finish(counts: { readonly subscriptions: number; readonly findings: number }): void;
}

const peakRssMb = (): number => Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;

function timingsTable(timings: ScanTimings): string {
  // in the order they happened: the phases overlap (the store opens while the collection runs)
  const reached = SCAN_PHASES.filter((phase) => timings.phasesMs[phase] !== undefined).sort((a, b) => (timings.phasesMs[a] ?? 0) - (timings.phasesMs[b] ?? 0));
  const lines = reached.map(
    (phase) => `  ${phase.padEnd(18)} ${((timings.phasesMs[phase] ?? 0) / 1000).toFixed(3).padStart(8)} s`,
  );
  return `ward: timings since the process started (${timings.subscriptions} subscriptions, ${timings.findings} findings, peak RSS ${timings.maxRssMb} MB):\n${lines.join('\n')}\n`;
}

/** A recorder when `--timings` was given (`true` for the table, a path for JSON), else undefined. */
export function scanTimingsRecorder(io: CliIo, flag: string | boolean | undefined): ScanTimingsRecorder | undefined {
  if (flag === undefined || flag === false) return undefined;
  const file = typeof flag === 'string' ? resolve(io.cwd, flag) : undefined;
  const phasesMs: Partial<Record<ScanPhase, number>> = {};
  const mark: OnScanPhase = (phase) => {
    phasesMs[phase] ??= Math.round(performance.now() * 10) / 10;
  };
  return {
    mark,
    finish(counts) {
      const write = (): void => {
        mark('exit');
        const timings: ScanTimings = { version: 1, phasesMs, maxRssMb: peakRssMb(), ...counts };
        if (file === undefined) {
          io.stderr.write(timingsTable(timings));
          return;
        }
        try {
          writeFileSync(file, `${JSON.stringify(timings, null, 2)}\n`);
        } catch (error) {
          // the scan is stored and reported by now: a timings file that cannot be written is only said
          io.stderr.write(`ward: cannot write the timings to ${file}: ${(error as Error).message}\n`);
        }
      };
      if (io.onExit) io.onExit(write);
      else write();
    },
  };
}
