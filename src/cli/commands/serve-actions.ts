/** What `ward serve` does; serve.ts registers it and loads this module (yoga, the pages, the store) when it runs. */
import { resolve } from 'node:path';
import { resolveAzureEndpoints } from '../../connectors/azure/azure-clouds.js';
import { WardError } from '../../core/errors.js';
import { normaliseCapture } from '../../core/inventory/normalise-capture.js';
import { readRegularFile } from '../../io/read-regular-file.js';
import { replaceFile } from '../../io/replace-file.js';
import { redactUrl } from '../../store/open-store.js';
import { isPostgresUrl } from '../../store/store-location.js';
import { accessTokens, generateToken, parseTokensFile, TOKENS_FILE_LIMITS } from '../../server/access-tokens.js';
import { createGraphqlApi } from '../../server/api/create-graphql-api.js';
import { createWardApp } from '../../server/create-ward-app.js';
import { currentFindingsCache } from '../../server/current-findings-cache.js';
import { scanDiffCache } from '../../server/scan-diff-cache.js';
import { WARD_CSS } from '../../server/pages/page-css.js';
import { routePage } from '../../server/pages/page-routes.js';
import { createScanRunner } from '../../server/scan-runner.js';
import type { ServerContext } from '../../server/server-context.js';
import { isLoopbackHost, startWardServer } from '../../server/start-ward-server.js';
import { collectFromAzure, positiveInteger } from '../azure-options.js';
import { usageError, type CliContext } from '../cli-context.js';
import { untilSignal } from '../until-signal.js';
import { exceptionMaxDays, storeLocation, withStore } from '../command-options.js';
import { selectControls } from '../select-controls.js';

/** The options of `ward serve` (see serve.ts). */
export interface ServeFlags {
  readonly db?: string | undefined;
  readonly host: string;
  readonly port: string;
  readonly urlFile?: string | undefined;
  readonly tokensFile?: string | undefined;
  readonly readOnly?: boolean | undefined;
  readonly controls?: string | undefined;
  readonly config?: string | undefined;
  readonly param?: string[] | undefined;
  readonly requestsPerMinute: string;
}


function portOf(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw usageError(`--port takes 0 to 65535, got ${JSON.stringify(text)}`);
  return port;
}

/** What a person opens: the bound address, or 127.0.0.1 when bound to every address (0.0.0.0, ::). */
function linkOrigin(origin: string, host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '[::]' ? origin.replace(/^http:\/\/(\[::\]|[^:/]+)/, 'http://127.0.0.1') : origin;
}

function readTokensFile(context: CliContext, file: string) {
  const path = resolve(context.io.cwd, file);
  let text: string;
  try {
    text = readRegularFile(path, TOKENS_FILE_LIMITS.bytes).toString('utf8');
  } catch (error) {
    if (error instanceof WardError) throw error;
    throw new WardError('CONFIG_INVALID', `cannot read the tokens file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      location: { file: path },
    });
  }
  return parseTokensFile(text, file);
}

/** `ward serve`: the API and the dashboard over one open store, until SIGINT or SIGTERM. */
async function serve(context: CliContext, options: ServeFlags): Promise<void> {
  const host = options.host.trim();
  if (!isLoopbackHost(host) && options.tokensFile === undefined) {
    throw usageError(`--host ${host} is reachable from other machines, so ward serve needs named tokens there: pass --tokens-file FILE`, 'the tokens file lists name, role and the SHA-256 of each token (docs/serve.md); or bind 127.0.0.1, the default');
  }
  const port = portOf(options.port);
  const requestsPerMinute = positiveInteger('--requests-per-minute', options.requestsPerMinute, 600);
  const named = options.tokensFile === undefined ? [] : readTokensFile(context, options.tokensFile);
  const controls = selectControls(context, options.controls, undefined, options);
  const maxDays = exceptionMaxDays(context);
  const urlFile = options.urlFile === undefined ? undefined : resolve(context.io.cwd, options.urlFile);
  const token = generateToken();
  const tokens = accessTokens({ token, principal: { name: 'serve', role: 'admin' } }, named);
  const location = storeLocation(context, options.db);
  const err = context.io.stderr;
  await withStore(
    context,
    options.db,
    async (store) => {
      const scans = createScanRunner({
        store,
        controls,
        now: context.io.now,
        collectLive: async (signal) => {
          const capture = await collectFromAzure(context, {}, { signal });
          return { inventory: normaliseCapture(capture, { invalidBodies: 'error' }), source: `live:${resolveAzureEndpoints({ env: context.io.env }).armEndpoint}` };
        },
      });
      const serverContext: ServerContext = {
        store,
        storeLocation: isPostgresUrl(location) ? redactUrl(location) : location,
        controls,
        readOnly: options.readOnly === true,
        now: context.io.now,
        exceptionMaxDays: maxDays,
        scans,
        findings: currentFindingsCache(store, context.io.now),
        drift: scanDiffCache(store),
      };
      const app = createWardApp({
        context: serverContext,
        tokens,
        api: createGraphqlApi(serverContext),
        routePage,
        css: WARD_CSS,
        requestsPerMinute,
        onError: (error, request) => void err.write(`ward serve: ${request.method} ${new URL(request.url).pathname} failed: ${(error as Error).stack ?? String(error)}\n`),
      });
      // listening for SIGINT/SIGTERM before the server starts: a signal during the start still stops it cleanly
      const stopped = untilSignal();
      // the first visitor should not pay for reading every finding: read the current state before listening
      await serverContext.findings().catch(() => undefined);
      const server = await startWardServer(app, { host, port });
      const link = `${linkOrigin(server.origin, host)}/?token=${token}`;
      const out = context.io.stdout;
      const mode = options.readOnly ? ', read-only' : '';
      out.write(`ward serve: ${server.origin} over ${serverContext.storeLocation} (${controls.length} controls${mode}; ${tokens.count} token${tokens.count === 1 ? '' : 's'})\n`);
      if (urlFile !== undefined) {
        await replaceFile(urlFile, `${link}\n`, 0o600);
        out.write(`  the address with its access token is in ${urlFile} (mode 0600)\n`);
      } else {
        out.write(`  open: ${link}\n`);
      }
      out.write('  scripts: Authorization: Bearer <token>, POST /graphql. Stop with Ctrl+C.\n');
      const signal = await stopped;
      await server.close();
      await scans.idle();
      out.write(`ward serve: stopped (${signal})\n`);
    },
    { command: 'ward serve' },
  );
}

export const serveActions = { serve } as const;
