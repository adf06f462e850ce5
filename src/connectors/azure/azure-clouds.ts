/**
 * Where ward talks to Azure: the ARM endpoint and the Microsoft Entra authority host of each cloud, with the
 * overrides ward honours (WARD_ARM_ENDPOINT for the ARM endpoint, e.g. the local emulator; AZURE_AUTHORITY_HOST
 * for the authority, as @azure/identity does). Pure: the environment is passed in.
 */
import { WardError } from '../../core/errors.js';

export const AZURE_CLOUDS = {
  AzureCloud: { armEndpoint: 'https://management.azure.com', authorityHost: 'https://login.microsoftonline.com' },
  AzureUSGovernment: { armEndpoint: 'https://management.usgovcloudapi.net', authorityHost: 'https://login.microsoftonline.us' },
  AzureChinaCloud: { armEndpoint: 'https://management.chinacloudapi.cn', authorityHost: 'https://login.chinacloudapi.cn' },
} as const;

export type AzureCloudName = keyof typeof AZURE_CLOUDS;
export const AZURE_CLOUD_NAMES = Object.keys(AZURE_CLOUDS) as AzureCloudName[];

/** Hosts MSAL knows; any other authority (an emulator, a private cloud) needs instance discovery turned off. */
const MICROSOFT_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.microsoft.com',
  'login.windows.net',
  'sts.windows.net',
  'login.partner.microsoftonline.cn',
]);

export interface AzureEndpoints {
  /** Without a trailing slash. */
  readonly armEndpoint: string;
  readonly authorityHost: string;
  /** The token scope for ARM: `<armEndpoint>/.default`. */
  readonly scope: string;
  readonly disableInstanceDiscovery: boolean;
}

export function isAzureCloudName(value: string): value is AzureCloudName {
  return (AZURE_CLOUD_NAMES as string[]).includes(value);
}

function httpsUrl(value: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new WardError('CONFIG_INVALID', `${name} is not a URL: ${JSON.stringify(value)}`, { hint: 'use https://host[:port]' });
  }
  if (url.protocol !== 'https:') {
    throw new WardError('CONFIG_INVALID', `${name} must use https (bearer tokens are never sent in clear): ${url.origin}`, {
      hint: 'use https://host[:port]',
    });
  }
  return url;
}

export function resolveAzureEndpoints(options: {
  readonly cloud?: AzureCloudName;
  readonly armEndpoint?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}): AzureEndpoints {
  const env = options.env ?? {};
  const cloud = AZURE_CLOUDS[options.cloud ?? 'AzureCloud'];
  const arm = httpsUrl(options.armEndpoint ?? (env.WARD_ARM_ENDPOINT || cloud.armEndpoint), options.armEndpoint ? 'the ARM endpoint' : 'WARD_ARM_ENDPOINT');
  const authority = httpsUrl(env.AZURE_AUTHORITY_HOST || cloud.authorityHost, 'AZURE_AUTHORITY_HOST');
  const armEndpoint = `${arm.origin}${arm.pathname.replace(/\/+$/, '')}`;
  return {
    armEndpoint,
    authorityHost: authority.origin,
    scope: `${armEndpoint}/.default`,
    disableInstanceDiscovery: !MICROSOFT_AUTHORITY_HOSTS.has(authority.hostname.toLowerCase()),
  };
}
