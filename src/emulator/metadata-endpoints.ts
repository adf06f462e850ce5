/**
 * `GET /metadata/endpoints`: the cloud's endpoints as ARM publishes them, served without a token (as ARM does).
 * `az cloud register --endpoint-resource-manager URL` reads the 2015-01-01 shape; 2019-05-01 and later list clouds.
 *
 * The login endpoint names the emulator's `/adfs` authority: MSAL checks any other authority against
 * login.microsoftonline.com (unreachable from a test), and skips that check for an ADFS one.
 */
import { armFailure } from './arm-route-helpers.js';
import type { ArmResponse } from './arm-types.js';

export const METADATA_API_VERSIONS = ['2015-01-01', '2018-01-01', '2019-05-01', '2020-06-01', '2022-09-01'] as const;
export const METADATA_PATH = /^\/metadata\/endpoints\/?$/i;

export function metadataEndpoints(baseUrl: string, query: URLSearchParams): ArmResponse {
  const route = 'metadata';
  const version = query.get('api-version') ?? '';
  if (!(METADATA_API_VERSIONS as readonly string[]).includes(version)) {
    return armFailure(400, 'InvalidApiVersionParameter', `The api-version '${version}' is invalid. The supported versions are '${METADATA_API_VERSIONS.join(',')}'.`, route);
  }
  const authentication = { loginEndpoint: `${baseUrl}/adfs/`, audiences: [`${baseUrl}/`] };
  if (version < '2019-05-01') {
    return {
      status: 200,
      route,
      body: { galleryEndpoint: `${baseUrl}/`, graphEndpoint: `${baseUrl}/`, portalEndpoint: `${baseUrl}/`, authentication },
    };
  }
  return {
    status: 200,
    route,
    body: [
      {
        name: 'WardEmulator',
        portal: `${baseUrl}/`,
        resourceManager: `${baseUrl}/`,
        gallery: `${baseUrl}/`,
        graph: `${baseUrl}/`,
        graphAudience: `${baseUrl}/`,
        authentication: { ...authentication, tenant: 'common', identityProvider: 'ADFS' },
        suffixes: { storage: 'core.windows.net', keyVaultDns: 'vault.azure.net' },
      },
    ],
  };
}
