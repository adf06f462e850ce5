/**
 * Az PowerShell. Set-AzSecurityContact (Az.Security) exists but speaks the 2017 API: `-Name default1 -Email
 * -AlertAdmin -NotifyOnAlert`, one address, no severity threshold, no notification sources. The current body goes
 * through Invoke-AzRestMethod (Az.Accounts), which signs any ARM request with the signed-in context.
 */
import type { Emitter } from './emit-input.js';
import { controlsOf, header, nothingFlagged, powershellQuote } from './emit-input.js';

export const emitPowershell: Emitter = ({ plan }) => {
  const empty = nothingFlagged(plan, '#');
  if (empty) return empty;
  const out: string[] = [
    header('#', [
      `ward: Az PowerShell for the ${plan.subscriptions.length} subscription(s) failing ${controlsOf(plan)}.`,
      'Needs Az.Accounts (Connect-AzAccount first) and the Security Admin role on each subscription.',
      'Set-AzSecurityContact would write the 2017 form only (one address in -Email, -AlertAdmin, -NotifyOnAlert);',
      'Invoke-AzRestMethod writes the 2023-12-01-preview body, keeping each subscription\'s addresses and settings.',
    ]),
    "$ErrorActionPreference = 'Stop'",
    'function Invoke-WardRequest([string]$Method, [string]$Path, [string]$Payload) {',
    '  $response = if ($Payload) { Invoke-AzRestMethod -Method $Method -Path $Path -Payload $Payload } else { Invoke-AzRestMethod -Method $Method -Path $Path }',
    '  if ($response.StatusCode -ge 300) { throw "$Method $Path failed: $($response.StatusCode) $($response.Content)" }',
    '  Write-Host "$Method $Path -> $($response.StatusCode)"',
    '}',
    '',
  ];
  for (const subscription of plan.subscriptions) {
    out.push(`# ${subscription.name ?? subscription.subscriptionId}`);
    for (const action of subscription.actions) {
      if (action.method === 'DELETE') {
        out.push(`Invoke-WardRequest -Method DELETE -Path ${powershellQuote(action.path)}`);
        continue;
      }
      out.push("$payload = @'", JSON.stringify(action.body, null, 2), "'@", `Invoke-WardRequest -Method PUT -Path ${powershellQuote(action.path)} -Payload $payload`);
    }
    out.push('');
  }
  return out.join('\n');
};
