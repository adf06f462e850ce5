import type { Control } from '../core/model.js';
import type { IacExtraction, IacFormatName } from './iac-finding.js';

/** A file handed to a format: where it is and its text (read once by the scanner). */
export interface IacSourceFile {
  /** Absolute path. */
  readonly path: string;
  /** Path shown in findings: relative to the working directory, `/`-separated. */
  readonly displayPath: string;
  readonly text: string;
}

/** Compiles one `.bicep` file to ARM JSON; rejects with the compiler's diagnostics. */
export type BicepCompile = (path: string) => Promise<string>;

/** The I/O a scan may do besides reading the scanned files, passed in so formats stay testable. */
export interface IacHost {
  readText(path: string): Promise<string>;
  /** File names (not paths) directly inside a directory; empty when it does not exist. */
  listDir(path: string): Promise<string[]>;
  /** Undefined when no Bicep compiler was found. */
  readonly compileBicep?: BicepCompile | undefined;
  /** Turns an absolute path into the path shown in findings. */
  displayPath(path: string): string;
}

export interface IacScanOptions {
  /** `--var-file` values, in order (later files win), as absolute paths. */
  readonly varFiles: readonly string[];
  /** `--parameters` values, in order (later files win), as absolute paths. */
  readonly parameterFiles: readonly string[];
}

export interface IacScanContext {
  readonly host: IacHost;
  readonly options: IacScanOptions;
  /** Per-scan cache for inputs shared by many files (var files, parameter files). */
  readonly cache: Map<string, unknown>;
  /** The controls to judge every resource against; default: the controls that ship with ward (as `ward scan`). */
  readonly controls?: readonly Control[];
}

/**
 * One source format. The scanner offers each file to the formats in registry order; the first whose
 * `matchesPath` (and `matchesText`, when defined) accepts it reads it. Files of one group are read
 * together: a Terraform module is its directory, every other format reads one file at a time. A format
 * only extracts security-contact resources (and landing-zone warnings); the controls judge them afterwards.
 */
export interface IacFormat {
  readonly name: IacFormatName;
  readonly title: string;
  matchesPath(path: string): boolean;
  matchesText?(text: string): boolean;
  readonly grouping: 'directory' | 'file';
  extract(files: readonly IacSourceFile[], context: IacScanContext): Promise<IacExtraction>;
}
