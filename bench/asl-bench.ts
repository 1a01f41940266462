/**
 * ASL engine benchmark: a 1,000-state Pass/Choice chain and a Map over 10,000 items, run in
 * memory with Slipway's engine, and with the npm package `aws-local-stepfunctions` when it is
 * installed (it is not a dependency yet; the peer is reported as skipped otherwise). Results are
 * state transitions per second; compare only numbers measured in the same run.
 *
 * Run: npx tsx bench/asl-bench.ts
 */
import {
  type Collaborators,
  type MachineDefinition,
  startExecution,
  systemCollaborators,
} from '../src/workflows/asl/index.ts';

export interface BenchResult {
  scenario: string;
  engine: string;
  transitions: number;
  ms: number;
  transitionsPerSecond: number;
  skipped?: string;
}

/** 500 Pass and 500 Choice states, alternating, ending in Succeed's place on the last Pass. */
export function passChoiceChain(states = 1000): MachineDefinition {
  const def: MachineDefinition = { StartAt: 'S0', States: {} };
  for (let i = 0; i < states; i++) {
    const next = `S${i + 1}`;
    const last = i === states - 1;
    def.States[`S${i}`] =
      i % 2 === 0
        ? { Type: 'Pass', Result: i, ResultPath: '$.i', ...(last ? { End: true } : { Next: next }) }
        : last
          ? { Type: 'Succeed' }
          : {
              Type: 'Choice',
              Choices: [{ Variable: '$.i', NumericGreaterThanEquals: 0, Next: next }],
              Default: next,
            };
  }
  return def;
}

export function mapOverItems(): MachineDefinition {
  return {
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map',
        MaxConcurrency: 0,
        ItemProcessor: {
          StartAt: 'P',
          States: { P: { Type: 'Pass', Parameters: { 'v.$': '$.v' }, End: true } },
        },
        End: true,
      },
    },
  };
}

const scenarios = [
  { scenario: 'pass-choice-chain-1000', definition: passChoiceChain(), input: {}, transitions: 1000 },
  {
    scenario: 'map-10000-items',
    definition: mapOverItems(),
    input: Array.from({ length: 10_000 }, (_, v) => ({ v })),
    transitions: 10_001,
  },
];

const collaborators: Collaborators = {
  ...systemCollaborators,
  invokeTask: async () => {
    throw new Error('no tasks in this benchmark');
  },
};

async function timeIt(run: () => Promise<unknown>, repeat: number): Promise<number> {
  await run(); // warm-up: JIT and caches
  const started = performance.now();
  for (let i = 0; i < repeat; i++) await run();
  return (performance.now() - started) / repeat;
}

async function peer(): Promise<{ run(definition: unknown, input: unknown): Promise<unknown> } | string> {
  const name = 'aws-local-stepfunctions';
  try {
    const mod = (await import(name)) as {
      StateMachine: new (def: unknown) => { run(input: unknown): { result: Promise<unknown> } };
    };
    return { run: (definition, input) => new mod.StateMachine(definition).run(input).result };
  } catch {
    return `${name} is not installed`;
  }
}

export async function runAslBench(repeat = 5): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const other = await peer();
  for (const s of scenarios) {
    const ms = await timeIt(async () => {
      const result = await startExecution({ definition: s.definition, input: s.input, collaborators });
      if (result.status !== 'SUCCEEDED') throw new Error(`${s.scenario}: ${result.status}`);
    }, repeat);
    results.push({
      scenario: s.scenario,
      engine: 'slipway',
      transitions: s.transitions,
      ms,
      transitionsPerSecond: (s.transitions / ms) * 1000,
    });
    if (typeof other === 'string') {
      results.push({
        scenario: s.scenario,
        engine: 'aws-local-stepfunctions',
        transitions: s.transitions,
        ms: 0,
        transitionsPerSecond: 0,
        skipped: other,
      });
    } else {
      const peerMs = await timeIt(() => other.run(s.definition, s.input), repeat);
      results.push({
        scenario: s.scenario,
        engine: 'aws-local-stepfunctions',
        transitions: s.transitions,
        ms: peerMs,
        transitionsPerSecond: (s.transitions / peerMs) * 1000,
      });
    }
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await runAslBench()) {
    const rate = r.skipped
      ? `skipped (${r.skipped})`
      : `${Math.round(r.transitionsPerSecond)} transitions/s (${r.ms.toFixed(1)} ms/run)`;
    console.log(`${r.scenario.padEnd(24)} ${r.engine.padEnd(24)} ${rate}`);
  }
}
