import type { IacFormatName, IacScanResult } from './iac-finding.js';

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
}

/**
 * One source format. The scanner offers each file to the formats in registry order; the first whose
 * `matchesPath` (and `matchesText`, when defined) accepts it reads it. Files of one group are evaluated
 * together: a Terraform module is its directory, every other format reads one file at a time.
 */
export interface IacFormat {
  readonly name: IacFormatName;
  readonly title: string;
  matchesPath(path: string): boolean;
  matchesText?(text: string): boolean;
  readonly grouping: 'directory' | 'file';
  evaluate(files: readonly IacSourceFile[], context: IacScanContext): Promise<IacScanResult>;
}
