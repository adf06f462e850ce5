/**
 * What `ward iac` does; iac.ts registers it and loads this module (the IaC parsers, the engine, the reports) with one
 * `await import()` when it runs.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WardError } from '../../core/errors.js';
import { BICEP_INSTALL_HINT, findBicepCompiler } from '../../iac/bicep-compiler.js';
import { summarizeIacScan, type IacScanResult } from '../../iac/iac-finding.js';
import { nodeIacHost } from '../../iac/node-iac-host.js';
import { IAC_REPORTS, type IacReportName } from '../../iac/reports/index.js';
import { countFilesByFormat, scanIac } from '../../iac/scan-iac.js';
import { walkIacFiles } from '../../iac/walk-iac-files.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, useColour, type CliContext } from '../cli-context.js';
import { selectControls } from '../select-controls.js';

/** What makes `ward iac` exit 1 (`--fail-on`). */
export type IacFailOn = 'fail' | 'unknown' | 'none';

/** The options of `ward iac` (see iac.ts), with the defaults applied. */
export interface IacRunOptions {
  readonly paths: readonly string[];
  readonly format: IacReportName | undefined;
  readonly output: string | undefined;
  readonly varFiles: readonly string[];
  readonly parameterFiles: readonly string[];
  readonly failOn: IacFailOn;
  readonly controlIds: readonly string[];
  readonly controlsDir: string | undefined;
  readonly config: string | undefined;
  readonly param: readonly string[];
}

/** `ward iac [PATH...]`: walk, judge every resource on the engine, report, and the exit code. */
async function runIac(context: CliContext, options: IacRunOptions): Promise<void> {
  const { io } = context;
  // the same controls, parameters and validation as `ward scan`: a bad value stops the run before any file is read
  const controls = selectControls(context, options.controlsDir, options.controlIds, { config: options.config, param: options.param });
  const resolve = (file: string): string => path.resolve(io.cwd, file);
  const files = await walkIacFiles(options.paths, io.cwd);
  for (const [flag, given] of [['--var-file', options.varFiles], ['--parameters', options.parameterFiles]] as const) {
    for (const file of given) {
      if (!(await walkIacFiles([file], io.cwd).catch(() => undefined))) throw new WardError('NOT_FOUND', `${flag}: no such file: ${file}`);
    }
  }
  let compileBicep;
  if ((countFilesByFormat(files).get('bicep') ?? 0) > 0) {
    const compiler = await findBicepCompiler(io.env);
    if (!compiler) throw new WardError('IAC_INVALID', 'found .bicep files but no Bicep compiler (`bicep` or `az`) on PATH', { hint: BICEP_INSTALL_HINT });
    compileBicep = compiler.compile;
  }
  const result = await scanIac(files, {
    host: nodeIacHost(io.cwd, compileBicep),
    options: { varFiles: options.varFiles.map(resolve), parameterFiles: options.parameterFiles.map(resolve) },
    cache: new Map(),
    controls,
  });
  const format = options.format ?? formatForOutput(options.output);
  const report = IAC_REPORTS[format](result, { colour: options.output === undefined && useColour(io), toolVersion: '0.1.0' });
  if (options.output === undefined) io.stdout.write(report);
  else {
    await writeFile(resolve(options.output), report, 'utf8');
    io.stderr.write(`ward: wrote ${options.output} (${Buffer.byteLength(report)} bytes)\n`);
    if (format !== 'table') io.stdout.write(IAC_REPORTS.table(result, { colour: useColour(io), toolVersion: '0.1.0' }));
  }
  context.exitCode = iacExitCode(result, options.failOn);
}

/** 2 when any input could not be read (never hidden), else 1 when the --fail-on level is reached, else 0. */
export function iacExitCode(result: IacScanResult, failOn: IacFailOn): number {
  const summary = summarizeIacScan(result);
  if (summary.errors > 0) return EXIT_ERROR;
  if (failOn === 'none') return EXIT_OK;
  if (summary.fail > 0 || (failOn === 'unknown' && summary.unknown > 0)) return EXIT_FINDINGS;
  return EXIT_OK;
}

function formatForOutput(output: string | undefined): IacReportName {
  if (output === undefined) return 'table';
  if (/\.sarif(?:\.json)?$/i.test(output)) return 'sarif';
  if (/\.xml$/i.test(output)) return 'junit';
  if (/\.json$/i.test(output)) return 'json';
  return 'table';
}

export const iacActions = { scan: runIac } as const;
