/**
 * curl against the REST API, corrected. The benchmark's own example is obsolete on current subscriptions: it
 * PUTs `default1` in api-version 2017-08-01-preview with the single `email` field. Current subscriptions hold one
 * contact named `default` (the only name 2023-12-01-preview accepts), with `emails` (several, `;`-separated),
 * notificationsByRole and notificationsSources, none of which 2017 can express. It also pipes a token into
 * xargs/bash -c, where the token lands in a process list; here the token stays in a shell variable.
 */
import type { Emitter } from './emit-input.js';
import { controlsOf, header, nothingFlagged, shellQuote } from './emit-input.js';

export const emitCurl: Emitter = ({ plan }) => {
  const empty = nothingFlagged(plan, '#');
  if (empty) return empty;
  const out: string[] = [
    '#!/usr/bin/env bash',
    header('#', [
      `ward: curl requests for the ${plan.subscriptions.length} subscription(s) failing ${controlsOf(plan)}.`,
      '',
      'Why not the benchmark\'s curl: it writes `default1` with api-version 2017-08-01-preview and the single `email`',
      'field. Current subscriptions keep one contact named `default` (the only name 2023-12-01-preview accepts) whose',
      '`emails` holds several addresses separated by `;`, with notificationsByRole and notificationsSources that the',
      '2017 API cannot express. These requests use 2023-12-01-preview and keep what each subscription already has.',
      'Legacy contacts that hold no address are fixed in their own (2017) api-version, as the check flags them.',
    ]),
    'set -euo pipefail',
    'TOKEN=$(az account get-access-token --query accessToken -o tsv)',
    '',
  ];
  for (const subscription of plan.subscriptions) {
    out.push(`# ${subscription.name ?? subscription.subscriptionId}`);
    for (const action of subscription.actions) {
      const common = `curl -sS --fail-with-body -X ${action.method} -H "Authorization: Bearer $TOKEN"`;
      if (action.method === 'DELETE') {
        out.push(`${common} ${shellQuote(action.url)}`);
        continue;
      }
      out.push(
        `${common} -H 'Content-Type: application/json' \\\n  ${shellQuote(action.url)} \\\n  --data-binary @- <<'WARD_JSON'`,
        JSON.stringify(action.body, null, 2),
        'WARD_JSON',
      );
    }
    out.push('');
  }
  return out.join('\n');
};
