/** Starts a real Slipway server on a random loopback port with a temporary home. */

import type { RoutePlugin } from '../../src/api/server.ts';
import { type Config, loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/logging.ts';
import { SlipwayClient } from '../../src/sdk/client.ts';
import { type RunningSlipway, startSlipway } from '../../src/server.ts';
import { tempFolder } from './temp.ts';

export interface TestSlipway extends RunningSlipway {
  home: string;
  adminToken: string;
  client(token?: string): SlipwayClient;
  /** Stops the server but keeps its home, so a restart sees the same data. */
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startTestSlipway(
  options: { home?: string; config?: Partial<Config>; routePlugins?: RoutePlugin[] } = {},
): Promise<TestSlipway> {
  const folder = options.home ? undefined : tempFolder('slipway-home-');
  const home = options.home ?? folder!.path;
  const adminToken = 'slw_test-admin-token-0123456789';
  const config = loadConfig({
    env: {},
    overrides: { home, port: 0, logLevel: 'silent', adminToken, ...options.config },
  });
  const running = await startSlipway(config, {
    logger: createLogger('silent'),
    routePlugins: options.routePlugins,
  });
  return {
    ...running,
    home,
    adminToken,
    client: (token = adminToken) => new SlipwayClient({ url: running.url, token }),
    stop: () => running.close(),
    async cleanup() {
      await running.close();
      folder?.cleanup();
    },
  };
}
