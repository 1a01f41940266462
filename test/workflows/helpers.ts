/** Helpers for workflow tests: waiting for an execution's end and checking its history. */
import assert from 'node:assert/strict';
import type { SlipwayClient } from '../../src/sdk/client.ts';
import { waitFor } from '../helpers/wait.ts';

export type Described = Record<string, any>;

export function waitForExecution(
  client: SlipwayClient,
  name: string,
  accept: (execution: Described) => boolean = (e) => e.status !== 'RUNNING',
  options: { timeoutMs?: number; what?: string } = {},
) {
  return waitFor(
    async () => {
      const execution = await client.get<Described>(`/api/v1/executions/${name}`);
      return accept(execution) ? execution : undefined;
    },
    { timeoutMs: options.timeoutMs ?? 30_000, what: `execution ${name}: ${options.what ?? 'its end'}` },
  );
}

export async function historyOf(client: SlipwayClient, name: string): Promise<Described[]> {
  const events: Described[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.get<{ events: Described[]; nextToken?: string }>(
      `/api/v1/executions/${name}/history`,
      { nextToken, maxResults: 1000 },
    );
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/**
 * A gap-free history: ids 1..n consecutive, every previousEventId points at an earlier event,
 * one start and one end, and each state entered and exited once (a retried task is entered once
 * and scheduled several times); states inside a Map or Parallel are entered once per iteration or
 * branch, given in `repeated` by name.
 */
export function assertGapFree(events: Described[], repeated: Record<string, number> = {}) {
  events.forEach((event, index) => {
    assert.equal(event.id, index + 1, `event ${index} has id ${event.id}`);
    assert.ok(event.previousEventId < event.id, `event ${event.id} points forward`);
  });
  assert.equal(events.filter((e) => e.type === 'ExecutionStarted').length, 1);
  assert.equal(events.filter((e) => /^Execution(Succeeded|Failed|Aborted|TimedOut)$/.test(e.type)).length, 1);
  const entered = new Map<string, number>();
  const exited = new Map<string, number>();
  for (const e of events) {
    if (e.type.endsWith('StateEntered'))
      entered.set(e.stateEnteredEventDetails.name, (entered.get(e.stateEnteredEventDetails.name) ?? 0) + 1);
    if (e.type.endsWith('StateExited'))
      exited.set(e.stateExitedEventDetails.name, (exited.get(e.stateExitedEventDetails.name) ?? 0) + 1);
  }
  for (const [name, count] of entered)
    assert.equal(count, repeated[name] ?? 1, `state ${name} entered ${count} times`);
  for (const [name, count] of exited)
    assert.equal(count, repeated[name] ?? 1, `state ${name} exited ${count} times`);
}
