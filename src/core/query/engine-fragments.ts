/**
 * Fragments the engine supplies to stored checks. A check may spread them without defining them; only the
 * ones a document uses are added, so graphql-js validation never reports an unused fragment. Pure.
 */
import { Kind, parse, visit, type DocumentNode, type FragmentDefinitionNode } from 'graphql';

/** Fragment name → its definition. */
export const ENGINE_FRAGMENTS: Readonly<Record<string, string>> = {
  AssetFragment: 'fragment AssetFragment on Asset { id name type provider }',
};

const parsed = new Map<string, FragmentDefinitionNode>();

function definition(name: string): FragmentDefinitionNode | undefined {
  const source = ENGINE_FRAGMENTS[name];
  if (source === undefined) return undefined;
  let node = parsed.get(name);
  if (!node) {
    node = parse(source, { noLocation: true }).definitions[0] as FragmentDefinitionNode;
    parsed.set(name, node);
  }
  return node;
}

function spreadNames(node: DocumentNode | FragmentDefinitionNode): Set<string> {
  const names = new Set<string>();
  visit(node, { FragmentSpread: (spread) => void names.add(spread.name.value) });
  return names;
}

/**
 * `document` plus the definitions of the engine fragments it spreads (directly or through another engine
 * fragment) but does not define. Unknown fragments are left alone for validation to reject.
 */
export function withEngineFragments(document: DocumentNode): DocumentNode {
  const defined = new Set(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => d.name.value),
  );
  const added: FragmentDefinitionNode[] = [];
  const pending = [...spreadNames(document)];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (defined.has(name)) continue;
    const fragment = definition(name);
    if (!fragment) continue;
    defined.add(name);
    added.push(fragment);
    pending.push(...spreadNames(fragment));
  }
  return added.length === 0 ? document : { ...document, definitions: [...document.definitions, ...added] };
}
