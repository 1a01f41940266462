/**
 * The table-driven conformance harness: each case is data (definition, input, expected output or
 * error and cause, optionally the exact virtual sleeps) and runs as one node:test test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ExecutionResult, type Json, startExecution } from '../../../../src/workflows/asl/index.ts';
import { createWorld, type TestWorld, type WorldOptions } from './collaborators.ts';

export interface ConformanceCase extends WorldOptions {
  name: string;
  /** Why the expectation is what it is, when the specification leaves room (AWS behaviour noted). */
  note?: string;
  definition: unknown;
  input?: Json;
  /** Expected output of a successful execution. */
  output?: Json;
  /** Expected error name of a failed execution. */
  error?: string;
  /** Expected cause (exact string, or a pattern). */
  cause?: string | RegExp;
  /** Expected sleeps that ran to completion, in ms, in order (retry intervals, waits). */
  sleeps?: number[];
  /** Extra assertions on the result and the world. */
  check?(result: ExecutionResult, world: TestWorld): void;
}

export async function runCase(c: ConformanceCase): Promise<{ result: ExecutionResult; world: TestWorld }> {
  // A case that expects nothing would pass whatever the engine did.
  assert.ok(
    c.error !== undefined || c.output !== undefined || c.sleeps !== undefined || c.check !== undefined,
    `case "${c.name}" states no expected output, error, sleeps or check`,
  );
  const world = createWorld(c);
  const result = await startExecution({
    definition: c.definition as never,
    input: c.input,
    collaborators: world.collaborators,
  });
  if (c.error !== undefined) {
    if (result.status === 'SUCCEEDED')
      assert.fail(`expected ${c.error}, got output ${JSON.stringify(result.output)}`);
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, c.error, `cause was: ${result.cause}`);
    if (typeof c.cause === 'string') assert.equal(result.cause, c.cause);
    else if (c.cause) assert.match(result.cause, c.cause);
  } else if (c.output !== undefined) {
    if (result.status !== 'SUCCEEDED')
      assert.fail(`expected success, got ${result.status} ${result.error}: ${result.cause}`);
    assert.deepEqual(result.output, c.output);
  }
  if (c.sleeps) assert.deepEqual(world.clock.elapsed, c.sleeps);
  c.check?.(result, world);
  return { result, world };
}

export function runCases(suite: string, cases: ConformanceCase[]) {
  describe(suite, () => {
    for (const c of cases) it(c.name, async () => void (await runCase(c)));
  });
}

/** A one-state JSONPath machine around `state` (End added), the usual shape of a case. */
export function single(state: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const needsEnd = !['Succeed', 'Fail', 'Choice'].includes(state.Type as string) && state.Next === undefined;
  return { StartAt: 'S', States: { S: needsEnd ? { ...state, End: true } : state }, ...extra };
}

/** The same, in JSONata. */
export function singleJsonata(state: Record<string, unknown>) {
  return single(state, { QueryLanguage: 'JSONata' });
}
