/**
 * The executions controller: claims RUNNING executions through store leases and runs them with
 * the ASL interpreter, persisting history and snapshots as they go (see store/journal.ts). After
 * a restart, an execution resumes from its stored snapshot: a Wait keeps its deadline, a Retry its
 * count, a Task in flight is invoked again. Stop requests abort the run's signal.
 */
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logging.ts';
import { isDeadLocalOwner } from '../core/replica.ts';
import type { Store } from '../store/store.ts';
import {
  type Collaborators,
  type ExecutionResult,
  realSleep,
  resumeExecution,
  systemCollaborators,
  type TaskRequest,
} from './asl/index.ts';
import { executionResource } from './execution-service.ts';
import { abandonReason } from './integrations/abandon.ts';
import type { IntegrationRegistry } from './integrations/registry.ts';
import type { HistoryStore } from './store/history-store.ts';
import { ExecutionJournal } from './store/journal.ts';
import { type ExecutionSpec, type ExecutionStatusRecord, executionKind } from './types.ts';

export interface ExecutionsControllerDeps {
  store: Store;
  events: EventBus;
  history: HistoryStore;
  integrations: IntegrationRegistry;
  /** Reads a distributed Map's ItemReader source (the artifact store on a server). */
  readItems?: Collaborators['readItems'];
  owner: string;
  logger: Logger;
  pollMs?: number;
  leaseMs?: number;
  /** Most executions this replica runs at once. */
  maxConcurrent?: number;
}

interface LocalExecution {
  controller: AbortController;
  journal?: ExecutionJournal;
  /** Let go without recording an end: shutting down, or the lease went to another replica. */
  abandoned?: boolean;
}

export class ExecutionsController {
  private readonly local = new Map<string, LocalExecution>();
  private readonly inFlight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private closed = false;
  private polling = false;
  private pollAgain = false;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly maxConcurrent: number;

  constructor(private readonly deps: ExecutionsControllerDeps) {
    this.pollMs = deps.pollMs ?? 500;
    this.leaseMs = deps.leaseMs ?? 15_000;
    this.maxConcurrent = deps.maxConcurrent ?? 500;
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), Math.min(1000, this.leaseMs / 3));
    void this.poll();
  }

  /** React now to a change of `name` (started, asked to stop). */
  kick(name: string): void {
    const local = this.local.get(name);
    if (local) void this.checkStop(name, local);
    else void this.poll();
  }

  /**
   * Shutdown: runs are abandoned without recording anything (their leases are released), so the
   * next Slipway resumes them from their last stored snapshot, as after a crash.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    clearInterval(this.heartbeatTimer);
    for (const local of this.local.values()) {
      local.abandoned = true;
      await local.journal?.flush().catch(() => {});
      local.journal?.discard();
      local.controller.abort(abandonReason('Slipway is shutting down'));
    }
    await Promise.allSettled([...this.inFlight]);
  }

  private async poll(): Promise<void> {
    if (this.closed) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    try {
      do {
        this.pollAgain = false;
        for (const owner of await this.deps.store.leaseOwners(executionKind)) {
          if (isDeadLocalOwner(owner)) await this.deps.store.releaseLeasesOf({ kind: executionKind, owner });
        }
        const room = this.maxConcurrent - this.local.size;
        if (room <= 0) break;
        const names = await this.deps.store.claimResources({
          kind: executionKind,
          phases: ['RUNNING'],
          owner: this.deps.owner,
          leaseMs: this.leaseMs,
          limit: Math.min(room, 100),
        });
        for (const name of names) {
          if (this.local.has(name) || this.closed) continue;
          const local: LocalExecution = { controller: new AbortController() };
          this.local.set(name, local);
          const work: Promise<void> = this.reconcile(name, local).finally(() => {
            this.local.delete(name);
            this.inFlight.delete(work);
          });
          this.inFlight.add(work);
        }
        // A full claim means more may be waiting.
        if (names.length === Math.min(room, 100)) this.pollAgain = true;
      } while (this.pollAgain && !this.closed);
    } catch (error) {
      if (!this.closed) this.deps.logger.error({ err: error }, 'executions controller poll failed');
    } finally {
      this.polling = false;
    }
  }

  private async reconcile(name: string, local: LocalExecution): Promise<void> {
    const log = this.deps.logger.child({ execution: name });
    try {
      const record = await this.deps.store.requireResource<ExecutionSpec, ExecutionStatusRecord>({
        kind: executionKind,
        name,
      });
      if (record.status.status !== 'RUNNING') return;
      const snapshot = await this.deps.history.snapshot(name);
      if (!snapshot) throw new Error('the execution has no stored snapshot');
      await this.deps.history.trimAfter(name, snapshot.nextEventId);
      const journal = new ExecutionJournal(this.deps.history, name);
      local.journal = journal;
      if (record.status.stopRequested) this.abort(local, record.status.stopRequested);
      const result = await resumeExecution({
        definition: record.spec.definition,
        snapshot,
        collaborators: this.collaborators(journal),
        signal: local.controller.signal,
      });
      if (local.abandoned) return;
      await journal.flush();
      await this.finish(name, result);
    } catch (error) {
      if (local.abandoned) return;
      // Left RUNNING: the lease is released below and the next poll resumes from the snapshot.
      log.error({ err: error }, 'execution run failed in the controller; it will be resumed');
    } finally {
      await this.deps.store
        .releaseResource({ kind: executionKind, name, owner: this.deps.owner })
        .catch(() => {});
    }
  }

  private collaborators(journal: ExecutionJournal): Collaborators {
    const now = () => this.deps.store.clock.now();
    return {
      ...systemCollaborators,
      now,
      // Persist first, so a restart resumes this very wait (its deadline is in the snapshot).
      sleep: async (ms, signal) => {
        const until = now() + ms;
        await journal.flush();
        await realSleep(Math.max(0, until - now()), signal);
      },
      // Persist first, so a restart knows the task was started and invokes it again.
      invokeTask: async (request: TaskRequest) => {
        await journal.flush();
        return this.deps.integrations.invoke(request);
      },
      ...(this.deps.readItems ? { readItems: this.deps.readItems } : {}),
      appendHistory: journal.appendHistory,
      onCheckpoint: journal.onCheckpoint,
    };
  }

  private abort(local: LocalExecution, why: { error?: string; cause?: string }) {
    if (!local.controller.signal.aborted)
      local.controller.abort({ kind: 'stopped', error: why.error, cause: why.cause });
  }

  private async finish(name: string, result: ExecutionResult): Promise<void> {
    const stopDate = this.deps.store.clock.now();
    await this.deps.store.transaction(async (tx) => {
      const record = await this.deps.store.mutateResource<ExecutionSpec, ExecutionStatusRecord>({
        kind: executionKind,
        name,
        change: (current) => {
          const { stopRequested, ...rest } = current.status;
          const status: ExecutionStatusRecord =
            result.status === 'SUCCEEDED'
              ? { ...rest, status: 'SUCCEEDED', stopDate, output: result.output }
              : { ...rest, status: result.status, stopDate, error: result.error, cause: result.cause };
          return { status, phase: status.status };
        },
        tx,
      });
      await this.deps.events.publish({
        resource: executionResource(name),
        type: `execution.${result.status.toLowerCase().replace('_', '-')}`,
        detail: {
          executionName: name,
          workflowName: record.spec.workflowName,
          status: result.status,
          ...(result.status === 'SUCCEEDED' ? {} : { error: result.error, cause: result.cause }),
        },
        tx,
      });
    });
    if (result.status !== 'SUCCEEDED') await this.stopChildren(name, result.status);
  }

  /**
   * A parent that ended without succeeding stops the nested executions it still has running (its
   * `.sync` task stops its child when aborted, but a stop can arrive before a resumed task has
   * re-attached to its child).
   */
  private async stopChildren(parent: string, status: string): Promise<void> {
    let nextToken: string | undefined;
    do {
      const page = await this.deps.store.listResources<ExecutionSpec, ExecutionStatusRecord>({
        kind: executionKind,
        phase: 'RUNNING',
        limit: 1000,
        nextToken,
      });
      for (const child of page.items) {
        if (child.spec.parentExecution !== parent || child.status.stopRequested) continue;
        await this.deps.store
          .mutateResource<ExecutionSpec, ExecutionStatusRecord>({
            kind: executionKind,
            name: child.name,
            change: (current) =>
              current.status.status === 'RUNNING' && !current.status.stopRequested
                ? {
                    status: {
                      ...current.status,
                      stopRequested: {
                        error: 'States.Aborted',
                        cause: `the parent execution ended ${status}`,
                      },
                    },
                  }
                : {},
          })
          .catch(() => {});
        this.kick(child.name);
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }

  private async heartbeat(): Promise<void> {
    for (const [name, local] of this.local) {
      try {
        const held = await this.deps.store.renewLease({
          kind: executionKind,
          name,
          owner: this.deps.owner,
          leaseMs: this.leaseMs,
        });
        if (!held) {
          // Another replica took it over (we stalled past the lease): let go without writing.
          local.abandoned = true;
          local.journal?.discard();
          local.controller.abort(abandonReason('another replica holds the lease'));
          continue;
        }
        await this.checkStop(name, local);
      } catch (error) {
        this.deps.logger.warn({ err: error, execution: name }, 'execution heartbeat failed');
      }
    }
  }

  private async checkStop(name: string, local: LocalExecution): Promise<void> {
    if (local.controller.signal.aborted) return;
    const record = await this.deps.store.getResource<ExecutionSpec, ExecutionStatusRecord>({
      kind: executionKind,
      name,
    });
    if (record?.status.stopRequested) this.abort(local, record.status.stopRequested);
  }
}
