import { collectValues, type CliContext } from '../cli-context.js';
import type { RegisterCommand } from './index.js';

export const registerControls: RegisterCommand = (program, context: CliContext) => {
  const controls = program.command('controls').description('list, show and validate controls');

  controls
    .command('list')
    .description('list the controls with their severity and frameworks')
    .option('--controls <dir>', 'load controls from this directory instead of the shipped ones')
    .option('--config <file>', 'control parameters from this file (default: ./ward.yaml when present)')
    .option('--param <control-id.name=value>', 'set a control parameter (repeatable)', collectValues)
    .option('--format <format>', 'table | json')
    .action(async (options) => {
      const [{ parseFormat, selectControls }, { formatColumns }] = await Promise.all([import('../command-options.js'), import('../../reporters/table-reporter.js')]);
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
    });

  controls
    .command('show')
    .description('print the whole control page: overview to remediation, rollout and the stored checks')
    .argument('<id>', 'control id, e.g. azure-defender-security-contact-email')
    .option('--controls <dir>', 'load controls from this directory instead of the shipped ones')
    .option('--config <file>', 'control parameters from this file (default: ./ward.yaml when present)')
    .option('--param <control-id.name=value>', 'set a control parameter (repeatable)', collectValues)
    .option('--format <format>', 'text | md | json')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (id, options) => {
      const [{ emit, parseFormat, selectControls }, { renderControlPage, renderControlPageText }] = await Promise.all([
        import('../command-options.js'),
        import('../../core/control/render-control-page.js'),
      ]);
      const format = parseFormat(options.format, ['text', 'md', 'json'] as const, 'text');
      const [control] = selectControls(context, options.controls, [id], options);
      const text =
        format === 'md'
          ? renderControlPage(control!)
          : format === 'json'
            ? `${JSON.stringify(control, null, 2)}\n`
            : renderControlPageText(control!);
      emit(context, text, options.output);
    });

  controls
    .command('validate')
    .description('validate control folders: the YAML against its schema and every check against the inventory schema')
    .argument('[dir]', 'a directory of controls (default: the shipped controls)')
    .action(async (dir) => {
      const [{ selectControls }, { filterWarnings }, { inventoryStorageModel }] = await Promise.all([
        import('../command-options.js'),
        import('../../core/query/filter-warnings.js'),
        import('../../core/query/inventory-schema.js'),
      ]);
      const loaded = selectControls(context, dir, undefined);
      const checks = loaded.reduce((n, c) => n + c.checks.length, 0);
      // dropped empty pieces and the deprecated 4.x/5.x relationship forms: legal, but not what they read as
      const model = inventoryStorageModel();
      const warnings = loaded.flatMap((c) => c.checks.flatMap((check) => filterWarnings(check.query, check.file, model)));
      for (const warning of warnings) context.io.stderr.write(`warning: ${warning}\n`);
      const suffix = warnings.length > 0 ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : '';
      context.io.stdout.write(`ok: ${loaded.length} control(s), ${checks} check(s) valid${suffix}\n`);
    });
};

