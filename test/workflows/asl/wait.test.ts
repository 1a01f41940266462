/** Conformance: the Wait state, on the virtual clock (sleeps are asserted, never real time). */
import assert from 'node:assert/strict';
import { runCases, single } from './harness/run-cases.ts';

runCases('Wait', [
  {
    name: 'Seconds waits that long',
    definition: single({ Type: 'Wait', Seconds: 10 }),
    input: { a: 1 },
    output: { a: 1 },
    sleeps: [10_000],
  },
  {
    name: 'Seconds 0 does not sleep',
    definition: single({ Type: 'Wait', Seconds: 0 }),
    input: {},
    output: {},
    sleeps: [],
  },
  {
    name: 'SecondsPath reads the input',
    definition: single({ Type: 'Wait', SecondsPath: '$.delay' }),
    input: { delay: 3 },
    output: { delay: 3 },
    sleeps: [3000],
  },
  {
    name: 'SecondsPath with a negative value is States.Runtime',
    definition: single({ Type: 'Wait', SecondsPath: '$.delay' }),
    input: { delay: -1 },
    error: 'States.Runtime',
  },
  {
    name: 'Timestamp waits until that time (clock starts 2024-01-01T00:00:00Z)',
    definition: single({ Type: 'Wait', Timestamp: '2024-01-01T00:01:00Z' }),
    input: {},
    output: {},
    sleeps: [60_000],
  },
  {
    name: 'a Timestamp in the past does not sleep',
    definition: single({ Type: 'Wait', Timestamp: '2020-01-01T00:00:00Z' }),
    input: {},
    output: {},
    sleeps: [],
  },
  {
    name: 'TimestampPath reads the input',
    definition: single({ Type: 'Wait', TimestampPath: '$.until' }),
    input: { until: '2024-01-01T00:00:05Z' },
    output: { until: '2024-01-01T00:00:05Z' },
    sleeps: [5000],
  },
  {
    name: 'TimestampPath with a non-timestamp is States.Runtime',
    definition: single({ Type: 'Wait', TimestampPath: '$.until' }),
    input: { until: 'tomorrow' },
    error: 'States.Runtime',
  },
  {
    name: 'Wait applies InputPath and OutputPath',
    definition: single({ Type: 'Wait', Seconds: 1, InputPath: '$.a', OutputPath: '$.b' }),
    input: { a: { b: 2 } },
    output: 2,
  },
  {
    name: 'the wait deadline is checkpointed before sleeping',
    definition: single({ Type: 'Wait', Seconds: 30 }),
    input: {},
    output: {},
    check(_result, world) {
      const waiting = world.checkpoints.find((s) => s.root.state?.waitUntil !== undefined);
      assert.equal(waiting?.root.state?.waitUntil, Date.UTC(2024, 0, 1) + 30_000);
    },
  },
]);
