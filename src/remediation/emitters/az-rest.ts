/**
 * `az rest` with the complete 2023-12-01-preview body of each flagged subscription, written to a file first (the
 * body is JSON; a file avoids every quoting pitfall). Legacy contacts in their own api-version.
 */
import type { Emitter } from './emit-input.js';
import { controlsOf, header, nothingFlagged, shellQuote } from './emit-input.js';

export const emitAzRest: Emitter = ({ plan }) => {
  const empty = nothingFlagged(plan, '#');
  if (empty) return empty;
  const out: string[] = [
    '#!/usr/bin/env bash',
    header('#', [
      `ward: az rest requests for the ${plan.subscriptions.length} subscription(s) failing ${controlsOf(plan)}.`,
      'Each body keeps the existing addresses and notification settings (2023-12-01-preview: isEnabled and',
      'notificationsSources included). Needs the Security Admin role on each subscription.',
    ]),
    'set -euo pipefail',
    'workdir=$(mktemp -d)',
    "trap 'rm -rf \"$workdir\"' EXIT",
    '',
  ];
  let index = 0;
  for (const subscription of plan.subscriptions) {
    out.push(`# ${subscription.name ?? subscription.subscriptionId}`);
    for (const action of subscription.actions) {
      index += 1;
      if (action.method === 'DELETE') {
        out.push(`az rest --method delete --url ${shellQuote(action.url)}`);
        continue;
      }
      const file = `"$workdir/contact-${index}.json"`;
      out.push(`cat > ${file} <<'WARD_JSON'`, JSON.stringify(action.body, null, 2), 'WARD_JSON');
      out.push(`az rest --method put --url ${shellQuote(action.url)} --headers 'Content-Type=application/json' --body @${file}`);
    }
    out.push('');
  }
  return out.join('\n');
};
