import path from 'node:path';
import { mapWithConcurrency } from '../core/work-pool.js';
import { BUILTIN_CONTROLS_DIR } from '../core/package-paths.js';
import { loadControls } from '../scan/load-controls.js';
import { IAC_FORMATS } from './formats/index.js';
import type { IacExtraction, IacFinding, IacFormatName, IacInputError, IacScanResult } from './iac-finding.js';
import { mergeIacExtractions } from './iac-finding.js';
import type { IacFormat, IacScanContext, IacSourceFile } from './iac-format.js';
import { judgeIacResources, type JudgeOptions } from './judge-iac-resources.js';

const READ_CONCURRENCY = 32;

export interface ScanIacOptions extends Pick<JudgeOptions, 'evaluate'> {
  readonly formats?: Readonly<Record<string, IacFormat>>;
}

/**
 * Reads `files` (absolute paths, as walked) with every format, then judges all the security-contact
 * resources found against every control (`context.controls`, or the controls that ship with ward) in one
 * engine run. Each file goes to the first format whose path test (and content test, for formats sharing
 * `.json`) accepts it; JSON that is neither a plan nor a template is skipped silently. Results come back
 * sorted by file, resource and control.
 */
export async function scanIac(files: readonly string[], context: IacScanContext, options: ScanIacOptions = {}): Promise<IacScanResult> {
  const controls = context.controls ?? loadControls(BUILTIN_CONTROLS_DIR);
  const extracted = await extractIac(files, context, options.formats ?? IAC_FORMATS);
  const judged = await judgeIacResources(extracted.resources, controls, {
    ...(options.evaluate ? { evaluate: options.evaluate } : {}),
    displayPath: (file) => context.host.displayPath(file),
  });
  const order = new Map(controls.map((control, index) => [control.id, index]));
  return {
    findings: [...judged.findings].sort((a, b) => byResource(a, b) || (order.get(a.controlId) ?? 0) - (order.get(b.controlId) ?? 0)),
    warnings: [...extracted.warnings].sort(byPosition),
    errors: [...extracted.errors, ...judged.errors].sort(byPosition),
    filesScanned: extracted.filesScanned,
    controls,
  };
}

/** Every format over `files`: the resources, warnings and input errors, before any control judges them. */
export async function extractIac(files: readonly string[], context: IacScanContext, formats: Readonly<Record<string, IacFormat>> = IAC_FORMATS): Promise<IacExtraction> {
  const registry = Object.values(formats);
  const direct = new Map<IacFormat, string[]>();
  const sniffed: string[] = [];
  for (const file of files) {
    const candidates = registry.filter((format) => format.matchesPath(file));
    const only = candidates[0];
    if (candidates.length === 1 && only && !only.matchesText) pushTo(direct, only, file);
    else if (candidates.length > 0) sniffed.push(file);
  }
  const parts: IacExtraction[] = [];
  const readErrors: IacInputError[] = [];
  const read = async (batch: readonly string[]): Promise<IacSourceFile[]> => {
    const loaded = await mapWithConcurrency(batch, READ_CONCURRENCY, async (file) => {
      try {
        return { path: file, displayPath: context.host.displayPath(file), text: stripBom(await context.host.readText(file)) };
      } catch (error) {
        readErrors.push({ file: context.host.displayPath(file), message: `cannot read file: ${(error as Error).message}` });
        return undefined;
      }
    });
    return loaded.filter((file): file is IacSourceFile => file !== undefined);
  };

  // formats that need no compiler go first, so a missing Bicep compiler is reported after nothing is wasted
  for (const format of registry) {
    const paths = direct.get(format);
    if (!paths || paths.length === 0) continue;
    if (format.grouping === 'file') {
      for (let start = 0; start < paths.length; start += READ_CONCURRENCY) parts.push(await format.extract(await read(paths.slice(start, start + READ_CONCURRENCY)), context));
      continue;
    }
    for (const group of groupByDirectory(paths)) parts.push(await format.extract(await read(group), context));
  }
  for (let start = 0; start < sniffed.length; start += READ_CONCURRENCY) {
    const byFormat = new Map<IacFormat, IacSourceFile[]>();
    for (const file of await read(sniffed.slice(start, start + READ_CONCURRENCY))) {
      const format = registry.find((candidate) => candidate.matchesPath(file.path) && (!candidate.matchesText || candidate.matchesText(file.text)));
      if (format) pushTo(byFormat, format, file);
    }
    for (const [format, batch] of byFormat) parts.push(await format.extract(batch, context));
  }
  const merged = mergeIacExtractions(parts);
  return { ...merged, resources: [...merged.resources].sort((a, b) => byPosition(a, b) || (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0)), errors: [...readErrors, ...merged.errors] };
}

/** Which format would read each path by name alone (the CLI uses it to fail fast on Bicep). */
export function countFilesByFormat(files: readonly string[], formats: Readonly<Record<string, IacFormat>> = IAC_FORMATS): Map<IacFormatName, number> {
  const counts = new Map<IacFormatName, number>();
  for (const file of files) {
    const format = Object.values(formats).find((candidate) => candidate.matchesPath(file));
    if (format) counts.set(format.name, (counts.get(format.name) ?? 0) + 1);
  }
  return counts;
}

function groupByDirectory(paths: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const file of paths) {
    const directory = path.dirname(file);
    pushTo(groups, directory, file);
  }
  return [...groups.values()];
}

type Positioned = { readonly file: string; readonly line?: number; readonly column?: number };

/** A resource's findings stay together: by file, resource line and name, then the finding's own line. */
function byResource(a: IacFinding, b: IacFinding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.resourceLine - b.resourceLine || (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0);
}

function byPosition(a: Positioned, b: Positioned): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
