/** What `ward controls list | show | validate` do; controls.ts registers them and loads this module when one runs. */
import { renderControlPage, renderControlPageText } from '../../core/control/render-control-page.js';
import { filterWarnings } from '../../core/query/filter-warnings.js';
import { inventoryStorageModel } from '../../core/query/inventory-schema.js';
import { formatColumns } from '../../reporters/table-reporter.js';
import type { CliContext } from '../cli-context.js';
import { emit, parseFormat } from '../command-options.js';
import type { ParameterFlags } from '../control-options.js';
import { selectControls } from '../select-controls.js';

/** The options of `ward controls list` and `show` (see controls.ts). */
export interface ControlsFlags extends ParameterFlags {
  readonly controls?: string | undefined;
  readonly format?: string | undefined;
  readonly output?: string | undefined;
}

/** `ward controls list`: id, severity, frameworks, parameters and title of each control, or JSON. */
async function listControls(context: CliContext, options: ControlsFlags): Promise<void> {
  const format = parseFormat(options.format, ['table', 'json'] as const, 'table');
  const loaded = selectControls(context, options.controls, undefined, options);
  if (format === 'json') {
    const body = loaded.map((c) => ({
      id: c.id,
      title: c.title,
      provider: c.provider,
      severity: c.severity,
      assetTypes: c.assetTypes,
      frameworks: c.frameworks,
      parameters: c.parameterValues,
      checks: c.checks.map((k) => ({ id: k.id, name: k.name, expect: k.expect.source })),
    }));
    context.io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  const rows = loaded.map((c) => [
    c.id,
    c.severity,
    c.frameworks.map((f) => (f.framework.startsWith('CIS') ? `CIS ${f.version} ${f.requirement}` : `${f.framework.replace('Microsoft cloud security benchmark', 'MCSB')} ${f.requirement}`)).join(', '),
    Object.entries(c.parameterValues).map(([name, value]) => `${name}=${String(value)}`).join(', ') || '-',
    c.title,
  ]);
  context.io.stdout.write(`${formatColumns([['ID', 'SEVERITY', 'FRAMEWORKS', 'PARAMETERS', 'TITLE'], ...rows]).join('\n')}\n`);
}

/** `ward controls show ID`: the whole control page, as text, Markdown or JSON. */
async function showControl(context: CliContext, id: string, options: ControlsFlags): Promise<void> {
  const format = parseFormat(options.format, ['text', 'md', 'json'] as const, 'text');
  const [control] = selectControls(context, options.controls, [id], options);
  const text =
    format === 'md'
      ? renderControlPage(control!)
      : format === 'json'
        ? `${JSON.stringify(control, null, 2)}\n`
        : renderControlPageText(control!);
  emit(context, text, options.output);
}

/** `ward controls validate [DIR]`: load and validate every control, with the filter warnings. */
async function validateControls(context: CliContext, dir: string | undefined): Promise<void> {
  const loaded = selectControls(context, dir, undefined);
  const checks = loaded.reduce((n, c) => n + c.checks.length, 0);
  // dropped empty pieces and the deprecated 4.x/5.x relationship forms: legal, but not what they read as
  const model = inventoryStorageModel();
  const warnings = loaded.flatMap((c) => c.checks.flatMap((check) => filterWarnings(check.query, check.file, model)));
  for (const warning of warnings) context.io.stderr.write(`warning: ${warning}\n`);
  const suffix = warnings.length > 0 ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : '';
  context.io.stdout.write(`ok: ${loaded.length} control(s), ${checks} check(s) valid${suffix}\n`);
}

export const controlsActions = { list: listControls, show: showControl, validate: validateControls } as const;
