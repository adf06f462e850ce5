/**
 * The engine judges a check by asset id, whatever the check selects: before a check runs, its root selection
 * gets one more field, `id` under an alias of the engine's own. A check that selects `name` only, aliases
 * `id: name`, hides `id` behind `@skip`, or spreads a fragment that lacks it is judged exactly like one that
 * selects `...AssetFragment`. Pure.
 */
import { Kind, type DocumentNode, type FieldNode, type OperationDefinitionNode } from 'graphql';

/** The response key the engine reads asset ids from. A check that uses it itself fails validation (a conflict). */
export const ASSET_ID_KEY = '_wardAssetId';

const assetIdField: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: ASSET_ID_KEY },
  name: { kind: Kind.NAME, value: 'id' },
};

/** `document` with `_wardAssetId: id` added to the selection of every root field of its operation. */
export function withAssetIdSelection(document: DocumentNode): DocumentNode {
  return {
    ...document,
    definitions: document.definitions.map((definition) => {
      if (definition.kind !== Kind.OPERATION_DEFINITION) return definition;
      const operation: OperationDefinitionNode = {
        ...definition,
        selectionSet: {
          ...definition.selectionSet,
          selections: definition.selectionSet.selections.map((selection) => {
            if (selection.kind !== Kind.FIELD || !selection.selectionSet) return selection;
            return { ...selection, selectionSet: { ...selection.selectionSet, selections: [...selection.selectionSet.selections, assetIdField] } };
          }),
        },
      };
      return operation;
    }),
  };
}

/** The ids of a root field's result items (as the engine selected them) and the items without the engine's key. */
export function splitAssetIds(items: readonly unknown[]): { readonly ids: string[]; readonly items: unknown[] } {
  const ids: string[] = [];
  const stripped = items.map((item) => {
    if (typeof item !== 'object' || item === null) return item;
    const { [ASSET_ID_KEY]: id, ...rest } = item as Record<string, unknown>;
    if (typeof id === 'string') ids.push(id);
    return rest;
  });
  return { ids, items: stripped };
}
