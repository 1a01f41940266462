/**
 * Test collaborators: a virtual clock, scripted random numbers and UUIDs, a task executor backed
 * by a table of handlers, an in-memory item source, and recorders for history and checkpoints.
 */
import {
  type Collaborators,
  type ExecutionSnapshot,
  type HistoryEvent,
  type Json,
  TaskError,
  type TaskRequest,
} from '../../../../src/workflows/asl/index.ts';
import { VirtualClock } from './virtual-clock.ts';

export type TaskHandler = (
  parameters: Json,
  request: TaskRequest,
  clock: VirtualClock,
) => Json | Promise<Json>;

export interface TestWorld {
  clock: VirtualClock;
  collaborators: Collaborators;
  history: HistoryEvent[];
  checkpoints: ExecutionSnapshot[];
  /** Task calls in order: resource and parameters. */
  calls: { resource: string; parameters: Json }[];
}

export interface WorldOptions {
  tasks?: Record<string, TaskHandler>;
  /** Values random() returns in turn (then 0.5). */
  random?: number[];
  /** Item sources for ItemReader, by `Bucket/Key`. */
  objects?: Record<string, string | Json[]>;
  onCheckpoint?(snapshot: ExecutionSnapshot): void;
}

export function createWorld(options: WorldOptions = {}): TestWorld {
  const clock = new VirtualClock();
  const history: HistoryEvent[] = [];
  const checkpoints: ExecutionSnapshot[] = [];
  const calls: TestWorld['calls'] = [];
  const randoms = [...(options.random ?? [])];
  let uuids = 0;
  const collaborators: Collaborators = {
    now: clock.now,
    sleep: clock.sleep,
    random: () => randoms.shift() ?? 0.5,
    uuid: () => `00000000-0000-4000-8000-${String(++uuids).padStart(12, '0')}`,
    invokeTask: async (request) => {
      calls.push({ resource: request.resource, parameters: request.parameters });
      const handler = options.tasks?.[request.resource] ?? options.tasks?.['*'];
      if (!handler) throw new TaskError('States.TaskFailed', `no test handler for ${request.resource}`);
      return handler(request.parameters, request, clock);
    },
    readItems: async (request) => {
      const params = request.parameters as { Bucket?: string; Key?: string };
      const source = options.objects?.[`${params.Bucket}/${params.Key}`];
      if (source === undefined) throw new Error(`NoSuchKey: ${params.Bucket}/${params.Key}`);
      return source;
    },
    appendHistory: (events) => {
      history.push(...events);
    },
    onCheckpoint: (snapshot) => {
      checkpoints.push(snapshot);
      options.onCheckpoint?.(snapshot);
    },
  };
  return { clock, collaborators, history, checkpoints, calls };
}

/** A handler that fails `times` times with `error`, then returns `result` (or echoes its input). */
export function failTimes(times: number, error: string, result?: Json): TaskHandler {
  let failures = 0;
  return (parameters) => {
    if (failures < times) {
      failures++;
      throw new TaskError(error, `failure ${failures}`);
    }
    return result === undefined ? parameters : result;
  };
}

/** A handler that takes `seconds` of virtual time, then returns `result` (or echoes its input). */
export function takes(seconds: number, result?: Json): TaskHandler {
  return async (parameters, request, clock) => {
    await clock.sleep(seconds * 1000, request.signal);
    return result === undefined ? parameters : result;
  };
}

export const echo: TaskHandler = (parameters) => parameters;
