import type { ArmSite } from './arm-template.js';
import type { SourcePosition } from './source-position.js';

/**
 * Maps positions in a compiled Bicep template back to the .bicep source: the n-th contact (or alias)
 * resource of the compiled template is the n-th such `resource` declaration of the source, and a property
 * (`emails:`, `notificationsByRole:`) is looked up inside that declaration. Resources from modules map to the
 * `module` declaration that brings them in.
 */
interface Declaration {
  readonly header: SourcePosition;
  readonly firstLine: number;
  readonly lastLine: number;
  readonly name?: string;
}

const TYPE_OF_KIND: Readonly<Record<ArmSite['kind'], string>> = {
  contact: 'microsoft.security/securitycontacts',
  alias: 'microsoft.subscription/aliases',
};

export function bicepLocator(source: string): (site: ArmSite, compiled: SourcePosition) => SourcePosition {
  const lines = source.split(/\r?\n/);
  const resources = declarations(lines, /^(\s*)resource\s+\w+\s+'([^'@]+)@[^']*'/);
  const modules = declarations(lines, /^(\s*)module\s+\w+\s+'([^']*)'/);
  return (site) => {
    if (site.deployments.length > 0) {
      const outer = site.deployments[0];
      const module = modules.find((candidate) => candidate.name === outer) ?? modules[0];
      return module?.header ?? { line: 1, column: 1 };
    }
    const ofKind = resources.filter((declaration) => declaration.name?.toLowerCase() === TYPE_OF_KIND[site.kind]);
    const declaration = ofKind[site.ordinal];
    if (!declaration) return { line: 1, column: 1 };
    if (site.field) {
      const field = new RegExp(`^(\\s*)${site.field}\\s*:`);
      for (let index = declaration.firstLine; index <= declaration.lastLine; index++) {
        const match = field.exec(lines[index] ?? '');
        if (match) return { line: index + 1, column: (match[1]?.length ?? 0) + 1 };
      }
    }
    return declaration.header;
  };
}

/** Declarations matching `header`, each running to the line before the next top-level declaration. */
function declarations(lines: readonly string[], header: RegExp): Declaration[] {
  const found: Declaration[] = [];
  const topLevel = /^(?:resource|module|param|var|output|targetScope|type|func|import|metadata|@)/;
  lines.forEach((line, index) => {
    const match = header.exec(line);
    if (!match) return;
    let last = index + 1;
    while (last < lines.length && !topLevel.test(lines[last] ?? '')) last++;
    found.push({ header: { line: index + 1, column: (match[1]?.length ?? 0) + 1 }, firstLine: index, lastLine: last - 1, name: match[2] ?? '' });
  });
  return found;
}
