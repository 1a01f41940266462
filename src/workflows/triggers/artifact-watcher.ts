/**
 * "When a new file lands under the data prefix": files arrive by any means (an S3 upload, a copy
 * into a folder), so the prefixes that event rules name are polled. Each new object becomes an
 * `artifact.created` event ({uri, prefix, key, size, modifiedAt}) that the rules then match.
 *
 * What was seen is kept per prefix in the store (the newest modification time, and the keys at
 * exactly that time, for ties), written with an optimistic-version update: after a restart nothing
 * is announced twice, files that landed meanwhile are still announced, and of several replicas
 * only the one whose update wins announces a file. Objects present when a prefix is first watched
 * are taken as already seen.
 */
import { createHash } from 'node:crypto';
import type { Artifacts } from '../../artifacts/artifacts.ts';
import { CoreErrors } from '../../core/errors.ts';
import type { EventBus } from '../../core/events.ts';
import { compileGlob } from '../../core/glob.ts';
import type { Logger } from '../../core/logging.ts';
import type { Store } from '../../store/store.ts';
import type { TriggerService } from './trigger-service.ts';

export const artifactCreated = 'artifact.created';
const watchKind = 'artifact-watch';

interface WatchStatus {
  prefix: string;
  watermark: number;
  keysAtWatermark: string[];
}

export class ArtifactWatcher {
  private timer?: NodeJS.Timeout;
  private scanning = false;

  constructor(
    private readonly deps: {
      store: Store;
      artifacts: Artifacts;
      events: EventBus;
      triggers: TriggerService;
      logger: Logger;
      pollMs?: number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(
      () => void this.scan().catch((error) => this.deps.logger.warn({ err: error }, 'artifact watch failed')),
      this.deps.pollMs ?? 5000,
    );
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** The prefixes enabled event rules on `artifact.created` name in `detailPrefix.uri`. */
  private async prefixes(): Promise<string[]> {
    const wanted = new Set<string>();
    for (const trigger of await this.deps.triggers.enabled()) {
      const rule = trigger.spec.event;
      const prefix = rule?.detailPrefix?.uri;
      if (rule && prefix && compileGlob(rule.type)(artifactCreated)) wanted.add(prefix);
    }
    return [...wanted];
  }

  /** One pass over every watched prefix; returns the URIs announced. */
  async scan(): Promise<string[]> {
    if (this.scanning) return [];
    this.scanning = true;
    try {
      const announced: string[] = [];
      for (const prefix of await this.prefixes()) announced.push(...(await this.scanPrefix(prefix)));
      return announced;
    } finally {
      this.scanning = false;
    }
  }

  private async scanPrefix(prefix: string): Promise<string[]> {
    const folder = prefix.endsWith('/') ? prefix : prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const namePrefix = prefix.slice(folder.length);
    const objects = (await this.deps.artifacts.storeFor(folder, 'detailPrefix.uri').list(namePrefix)).sort(
      (a, b) => a.modifiedAt - b.modifiedAt || (a.key < b.key ? -1 : 1),
    );
    const name = `w-${createHash('sha256').update(prefix).digest('hex').slice(0, 40)}`;
    const watch = await this.deps.store.getResource<{ prefix: string }, WatchStatus>({
      kind: watchKind,
      name,
    });
    const newest = objects.at(-1)?.modifiedAt ?? 0;
    const atNewest = objects.filter((o) => o.modifiedAt === newest).map((o) => o.key);
    if (!watch) {
      await this.deps.store
        .createResource({
          kind: watchKind,
          name,
          arn: `artifact-watch:${prefix}`,
          spec: { prefix },
          status: { prefix, watermark: newest, keysAtWatermark: atNewest },
          phase: 'Watching',
        })
        .catch(() => {}); // Another replica started watching first.
      return [];
    }
    const { watermark, keysAtWatermark } = watch.status;
    const fresh = objects.filter(
      (o) => o.modifiedAt > watermark || (o.modifiedAt === watermark && !keysAtWatermark.includes(o.key)),
    );
    if (fresh.length === 0) return [];
    const next: WatchStatus = {
      prefix,
      watermark: Math.max(watermark, newest),
      keysAtWatermark: newest > watermark ? atNewest : [...new Set([...keysAtWatermark, ...atNewest])],
    };
    // The watermark and the events it covers commit together: a crash announces all or none.
    try {
      await this.deps.store.transaction(async (tx) => {
        await this.deps.store.updateResource({
          kind: watchKind,
          name,
          expectedVersion: watch.version,
          status: next,
          tx,
        });
        for (const object of fresh) {
          await this.deps.events.publish({
            resource: `artifact/${object.uri}`,
            type: artifactCreated,
            detail: {
              uri: object.uri,
              prefix,
              key: object.key,
              size: object.size,
              modifiedAt: new Date(object.modifiedAt).toISOString(),
            },
            tx,
          });
        }
      });
    } catch (error) {
      if ((error as { code?: string }).code === CoreErrors.versionConflict.code) return []; // Another replica announced these.
      throw error;
    }
    return fresh.map((o) => o.uri);
  }
}
