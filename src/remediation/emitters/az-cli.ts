/**
 * Azure CLI 2.61 and later: `az security contact create` speaks 2020-01-01-preview (emails, alert notifications with
 * a minimal severity, notifications by role). It cannot set `isEnabled` or attack-path sources: `--emit rest`
 * writes the full 2023 body. Legacy contacts are fixed with `az rest` in their own api-version.
 */
import type { ContactBody2023 } from '../../core/remediation/contact-body.js';
import type { Emitter } from './emit-input.js';
import { header, isMainAction, nothingFlagged, shellQuote } from './emit-input.js';

export const emitAzCli: Emitter = ({ plan }) => {
  const empty = nothingFlagged(plan, '#');
  if (empty) return empty;
  const out: string[] = [
    '#!/usr/bin/env bash',
    header('#', [
      `ward: Azure CLI commands for the ${plan.subscriptions.length} subscription(s) failing ${plan.controlId}.`,
      'Needs Azure CLI 2.61 or later (older versions only know the 2017 form: --email/--alerts-admins) and the',
      'Security Admin role on each subscription. Each contact keeps its existing addresses and settings.',
      'az security contact create uses the 2020 API: it leaves isEnabled and attack-path notification sources as',
      'they are; use `ward remediate --emit rest` to write the complete 2023-12-01-preview body.',
    ]),
    'set -euo pipefail',
    '',
  ];
  for (const subscription of plan.subscriptions) {
    out.push(`# ${subscription.name ?? subscription.subscriptionId}`);
    for (const action of subscription.actions) {
      if (isMainAction(action)) {
        const properties = (action.body as ContactBody2023).properties;
        const alert = properties.notificationsSources.find((source) => source.sourceType === 'Alert');
        const alertNotifications = alert ? { state: 'On', minimalSeverity: alert.minimalSeverity ?? 'High' } : { state: 'Off' };
        const args = [
          'az security contact create',
          `--subscription ${shellQuote(action.subscriptionId)}`,
          `--name ${shellQuote(action.contactName)}`,
          `--emails ${shellQuote(properties.emails)}`,
          ...(properties.phone === undefined ? [] : [`--phone ${shellQuote(properties.phone)}`]),
          `--alert-notifications ${shellQuote(JSON.stringify(alertNotifications))}`,
          `--notifications-by-role ${shellQuote(JSON.stringify(properties.notificationsByRole))}`,
        ];
        out.push(args.join(' \\\n  '));
      } else if (action.method === 'DELETE') {
        out.push(`az rest --method delete --url ${shellQuote(action.url)}`);
      } else {
        out.push(`az rest --method put --url ${shellQuote(action.url)} \\\n  --headers 'Content-Type=application/json' \\\n  --body ${shellQuote(JSON.stringify(action.body))}`);
      }
    }
    out.push('');
  }
  return `${out.join('\n')}`;
};
