/**
 * The application: one bundle of the collaborators every domain needs, started from a config and
 * closed in the reverse order. Domains receive this bundle (or the parts they use) explicitly.
 */

import { hasNonAdminToken, TokenService } from './api/auth/tokens.ts';
import { createMetrics, type Metrics } from './api/metrics.ts';
import { Artifacts } from './artifacts/artifacts.ts';
import { UriAccess } from './artifacts/uri-access.ts';
import type { Config } from './core/config.ts';
import { EventBus } from './core/events.ts';
import { createLogger, type Logger } from './core/logging.ts';
import { replicaIdentity } from './core/replica.ts';
import { TrustMode } from './core/trust-mode.ts';
import { Outbox } from './store/outbox.ts';
import { Store } from './store/store.ts';

export const version = '0.1.0';

export interface App {
  config: Config;
  logger: Logger;
  store: Store;
  artifacts: Artifacts;
  events: EventBus;
  tokens: TokenService;
  /** Single-user or team: what requests may reach on the host. */
  trust: TrustMode;
  /** The Prometheus registry every part reports to (served at /metrics). */
  metrics: Metrics;
  /** Closers run in reverse order of registration at shutdown (controllers before the store). */
  onClose(closer: () => Promise<void> | void): void;
  close(): Promise<void>;
}

export async function createApp(config: Config, options: { logger?: Logger } = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const store = await Store.open(config.databaseUrl, undefined, (error) =>
    logger.warn({ err: error }, 'a database connection failed while idle; the next query opens another'),
  );
  const trust = await TrustMode.start(config, () => hasNonAdminToken(store));
  if (config.allowProcessRuntime)
    logger.warn('allowProcessRuntime is on: in team mode, user code runs on this host as the server’s user');
  const artifacts = new Artifacts({
    defaultUrl: config.artifactsUrl,
    s3Endpoint: config.s3Endpoint,
    s3Region: config.s3Region,
    access: new UriAccess({
      artifactsUrl: config.artifactsUrl,
      dataRoots: config.dataRoots,
      home: config.home,
      mode: () => trust.current,
    }),
  });
  // In the background: a large store takes a while to walk, and nothing waits on it.
  artifacts.defaultStore.sweepTemporaries().then(
    (removed) => removed > 0 && logger.info({ removed }, 'removed temporary files of interrupted writes'),
    (error) => logger.warn({ err: error }, 'could not sweep temporary files of interrupted writes'),
  );
  const events = new EventBus(new Outbox(store), {
    clock: store.clock,
    owner: replicaIdentity(),
    logger: logger.child({ component: 'events' }),
  });
  const tokens = new TokenService(store, events, () => trust.refresh());
  const closers: Array<() => Promise<void> | void> = [
    () => store.close(),
    () => artifacts.close(),
    () => trust.close(),
    () => events.close(),
  ];
  let closed = false;
  return {
    config,
    logger,
    store,
    artifacts,
    events,
    tokens,
    trust,
    metrics: createMetrics(),
    onClose: (closer) => closers.push(closer),
    async close() {
      if (closed) return;
      closed = true;
      for (const closer of closers.reverse()) {
        try {
          await closer();
        } catch (error) {
          logger.error({ err: error }, 'error while shutting down');
        }
      }
    },
  };
}
