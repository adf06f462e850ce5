/**
 * Azure CLI 2.61 and later: `az security contact create` speaks 2020-01-01-preview (emails, alert notifications with
 * a minimal severity, notifications by role). It cannot set `isEnabled` or attack-path sources: where the merged
 * fix needs either (an AttackPath source, a contact that is disabled today), the 2023 body goes through `az rest`
 * instead, so that the printed command always makes the controls pass. Legacy contacts are fixed with `az rest` in
 * their own api-version.
 */
import type { ContactProperties2023 } from '../../core/remediation/contact-body.js';
import type { PlannedAction } from '../../core/remediation/plan-remediation.js';
import type { Emitter } from './emit-input.js';
import { controlsOf, header, isMainAction, nothingFlagged, shellQuote } from './emit-input.js';

/** Why the 2020 command cannot write this body, or undefined when it can. */
export function needs2023Api(action: PlannedAction): string | undefined {
  const properties = (action.body as { properties: ContactProperties2023 }).properties;
  if (properties.notificationsSources.some((source) => source.sourceType.toLowerCase() === 'attackpath')) return 'it sets an AttackPath notification source';
  const before = action.before as { properties?: { isEnabled?: unknown } } | 'absent' | null;
  if (typeof before === 'object' && before?.properties?.isEnabled === false) return 'the contact is disabled today (isEnabled false)';
  return undefined;
}

function azRestPut(action: PlannedAction): string {
  return `az rest --method put --url ${shellQuote(action.url)} \\\n  --headers 'Content-Type=application/json' \\\n  --body ${shellQuote(JSON.stringify(action.body))}`;
}

export const emitAzCli: Emitter = ({ plan }) => {
  const empty = nothingFlagged(plan, '#');
  if (empty) return empty;
  const out: string[] = [
    '#!/usr/bin/env bash',
    header('#', [
      `ward: Azure CLI commands for the ${plan.subscriptions.length} subscription(s) failing ${controlsOf(plan)}.`,
      'Needs Azure CLI 2.61 or later (older versions only know the 2017 form: --email/--alerts-admins) and the',
      'Security Admin role on each subscription. Each contact keeps its existing addresses and settings.',
      'az security contact create uses the 2020 API, which cannot set isEnabled or attack-path notification',
      'sources: where the fix needs them, the command is `az rest` with the 2023-12-01-preview body instead.',
    ]),
    'set -euo pipefail',
    '',
  ];
  for (const subscription of plan.subscriptions) {
    out.push(`# ${subscription.name ?? subscription.subscriptionId}`);
    for (const action of subscription.actions) {
      if (isMainAction(action)) {
        const why = needs2023Api(action);
        if (why) {
          out.push(`# az security contact create cannot write this fix: ${why}`, azRestPut(action));
          continue;
        }
        const properties = (action.body as { properties: ContactProperties2023 }).properties;
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
        out.push(azRestPut(action));
      }
    }
    out.push('');
  }
  return `${out.join('\n')}`;
};
