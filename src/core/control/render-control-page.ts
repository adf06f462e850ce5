import type { ControlDescription } from '../model.js';
import { reasonWithValues } from './reason-with-values.js';
import { compiledCheck } from './compiled-check.js';

const indent = (text: string, prefix = '    '): string => text.split('\n').map((line) => (line ? prefix + line : line)).join('\n');

/**
 * The whole control page, laid out as the source benchmark document is (overview to query logic), in Markdown.
 * Markdown reads well in a terminal too, so `ward controls show` prints this as is.
 */
export function renderControlPage(control: ControlDescription): string {
  const out: string[] = [];
  out.push(`# ${control.title}`, '');
  out.push(`- id: \`${control.id}\``, `- provider: ${control.provider}`, `- service: ${control.service}`, `- severity: ${control.severity}`);
  out.push(`- covered asset types: ${control.assetTypes.join(', ')}`, '');
  out.push('## Overview', '', control.overview, '');
  out.push('## Rationale', '', control.rationale, '');
  out.push('## Default value', '', control.defaultValue, '');
  out.push('## References', '', ...control.references.map((r) => `- [${r.title}](${r.url})`), '');
  out.push('## Remediation', '', '### From the Azure portal', '', ...control.remediation.console.map((step, i) => `${i + 1}. ${step}`), '');
  out.push('### From the command line', '', control.remediation.cli, '');
  out.push('## Additional information', '', control.additionalInformation, '');
  out.push('## Remediation paths', '');
  out.push('### Service-wide (recommended when many subscriptions are affected)', '', control.remediationPaths.serviceWide, '');
  out.push('### Asset level', '', control.remediationPaths.assetLevel, '');
  out.push('### Preventive', '', control.remediationPaths.preventive, '');
  if (control.remediationPaths.references.length > 0) {
    out.push('References for service-wide patterns:', '', ...control.remediationPaths.references.map((r) => `- [${r.title}](${r.url})`), '');
  }
  out.push('## Rollout workflow', '');
  control.rollout.forEach((phase, index) => {
    out.push(`${index + 1}. **${phase.title}**`, ...phase.steps.map((step) => `   - ${step}`));
  });
  out.push('');
  out.push('## Frameworks', '', '| framework | version | requirement | level |', '|---|---|---|---|');
  for (const f of control.frameworks) out.push(`| ${f.framework} | ${f.version} | ${f.requirement} | ${f.level ?? ''} |`);
  out.push('');
  if (control.parameters.length > 0) {
    out.push('## Parameters', '', 'Set in ward.yaml (`controls: { <id>: { parameters: { … } } }`) or with `--param <id>.<name>=<value>`.', '');
    out.push('| parameter | type | in force | default | allowed | meaning |', '|---|---|---|---|---|---|');
    for (const p of control.parameters) {
      const inForce = control.parameterValues[p.name] ?? p.default;
      const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
      out.push(`| ${p.name} | ${p.type} | ${String(inForce)} | ${String(p.default)} | ${(p.allowed ?? []).map(String).join(', ')} | ${cell(p.description)} |`);
    }
    out.push('');
  }
  out.push('## Query logic', '', 'The stored checks of this control. A check passes when its result meets the expectation.', '');
  for (const described of control.checks) {
    // a described check (loaded by a command that runs none) has no asset type or reasons to show
    const check = compiledCheck(described);
    out.push(`### ${described.name}`, '', `- check id: \`${described.id}\``, ...(check ? [`- covered asset type: ${check.assetType}`] : []), `- expected: \`${described.expect.source}\``, '');
    out.push('```graphql', described.query.trimEnd(), '```', '');
    if (check?.reasons && check.reasons.length > 0) {
      out.push('What a failure says, per alternative of the filter:', '', ...check.reasons.map((r) => `- \`${r.match}\`: ${reasonWithValues(r.reason, control.parameterValues)}`), '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Plain-text variant for terminals: the same page with code fences replaced by indentation. */
export function renderControlPageText(control: ControlDescription): string {
  return renderControlPage(control).replace(/```graphql\n([\s\S]*?)```/g, (_, code: string) => indent(code.trimEnd()) + '\n');
}
