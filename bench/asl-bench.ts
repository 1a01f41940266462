/**
 * ASL engine benchmark, in one run: Slipway's engine in memory, Slipway's engine in durable mode
 * (every history event and snapshot persisted to SQLite through the store, as the executions
 * controller does), and the npm package `aws-local-stepfunctions`, on a 1,000-state Pass/Choice
 * chain and a Map over 10,000 items. Compare only numbers measured in the same run.
 *
 * Run: npx tsx bench/asl-bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../src/store/store.ts';
import {
  type Collaborators,
  createExecution,
  type Json,
  type MachineDefinition,
  resumeExecution,
  startExecution,
  systemCollaborators,
} from '../src/workflows/asl/index.ts';
import { HistoryStore } from '../src/workflows/store/history-store.ts';
import { ExecutionJournal } from '../src/workflows/store/journal.ts';

export interface BenchRow {
  scenario: string;
  engine: 'slipway (in memory)' | 'slipway (durable, SQLite)' | 'aws-local-stepfunctions';
  /** Milliseconds per run (mean of the timed runs). */
  ms: number;
  /** State transitions per second (chain) or Map items per second (map). */
  rate: number;
  unit: 'transitions/s' | 'items/s';
  /** rate / the peer's rate in the same scenario. */
  ratio?: number;
  /** Durable mode: history events and store transactions per run. */
  events?: number;
  writes?: number;
  skipped?: string;
}

/** 500 Pass and 500 Choice states, alternating; the last Pass ends the machine. */
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
  {
    scenario: 'pass-choice-chain-1000',
    definition: passChoiceChain(),
    input: {} as Json,
    count: 1000,
    unit: 'transitions/s' as const,
    repeat: 5,
  },
  {
    scenario: 'map-10000-items',
    definition: mapOverItems(),
    input: Array.from({ length: 10_000 }, (_, v) => ({ v })) as Json,
    count: 10_000,
    unit: 'items/s' as const,
    repeat: 3,
  },
];

const noTasks: Collaborators = {
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

type Peer = { run(definition: unknown, input: unknown): Promise<unknown> };

async function loadPeer(): Promise<Peer | string> {
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

/** One durable run, as the executions controller does it: snapshot stored first, then resumed with a journal. */
async function durableRun(history: HistoryStore, definition: MachineDefinition, input: Json, name: string) {
  const snapshot = createExecution({ definition, input, name, collaborators: noTasks });
  await history.write(name, [], snapshot);
  const journal = new ExecutionJournal(history, name);
  let events = 0;
  const result = await resumeExecution({
    definition,
    snapshot,
    collaborators: {
      ...noTasks,
      appendHistory: (batch) => {
        events += batch.length;
        journal.appendHistory(batch);
      },
      onCheckpoint: journal.onCheckpoint,
    },
  });
  await journal.flush();
  if (result.status !== 'SUCCEEDED') throw new Error(`${name}: ${result.status}`);
  return { events, writes: journal.writes + 1 };
}

export async function runAslBench(): Promise<{ rows: BenchRow[]; markdown: string }> {
  const rows: BenchRow[] = [];
  const peer = await loadPeer();
  const folder = mkdtempSync(join(tmpdir(), 'slipway-asl-bench-'));
  const store = await Store.open(`sqlite:${join(folder, 'bench.db')}`);
  const history = new HistoryStore(store);
  try {
    let counter = 0;
    for (const s of scenarios) {
      const scenarioRows: BenchRow[] = [];
      const memoryMs = await timeIt(async () => {
        const result = await startExecution({
          definition: s.definition,
          input: s.input,
          collaborators: noTasks,
        });
        if (result.status !== 'SUCCEEDED') throw new Error(`${s.scenario}: ${result.status}`);
      }, s.repeat);
      scenarioRows.push({
        scenario: s.scenario,
        engine: 'slipway (in memory)',
        ms: memoryMs,
        rate: (s.count / memoryMs) * 1000,
        unit: s.unit,
      });

      let stats = { events: 0, writes: 0 };
      const durableMs = await timeIt(async () => {
        stats = await durableRun(history, s.definition, s.input, `bench-${counter++}`);
      }, s.repeat);
      scenarioRows.push({
        scenario: s.scenario,
        engine: 'slipway (durable, SQLite)',
        ms: durableMs,
        rate: (s.count / durableMs) * 1000,
        unit: s.unit,
        ...stats,
      });

      if (typeof peer === 'string') {
        scenarioRows.push({
          scenario: s.scenario,
          engine: 'aws-local-stepfunctions',
          ms: 0,
          rate: 0,
          unit: s.unit,
          skipped: peer,
        });
      } else {
        const peerMs = await timeIt(() => peer.run(s.definition, s.input), s.repeat);
        const peerRate = (s.count / peerMs) * 1000;
        for (const row of scenarioRows) row.ratio = row.rate / peerRate;
        scenarioRows.push({
          scenario: s.scenario,
          engine: 'aws-local-stepfunctions',
          ms: peerMs,
          rate: peerRate,
          unit: s.unit,
          ratio: 1,
        });
      }
      rows.push(...scenarioRows);
    }
  } finally {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  }
  return { rows, markdown: toMarkdown(rows) };
}

function toMarkdown(rows: BenchRow[]): string {
  const lines = [
    '| scenario | engine | ms/run | throughput | vs aws-local-stepfunctions | history events / store transactions per run |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const rate = r.skipped
      ? `skipped (${r.skipped})`
      : `${Math.round(r.rate).toLocaleString('en-US')} ${r.unit}`;
    const ratio = r.ratio === undefined ? '–' : `${r.ratio.toFixed(2)}×`;
    const durable = r.events !== undefined ? `${r.events.toLocaleString('en-US')} / ${r.writes}` : '–';
    lines.push(
      `| ${r.scenario} | ${r.engine} | ${r.skipped ? '–' : r.ms.toFixed(1)} | ${rate} | ${ratio} | ${durable} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { markdown } = await runAslBench();
  process.stdout.write(markdown);
}
