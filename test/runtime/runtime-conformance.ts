/**
 * The Runtime conformance suite: the same cases over every Runtime implementation, given a way to
 * run a POSIX shell snippet on it. Each snippet finds the layout through `$ML`, the path at which
 * the runtime shows the user's code the run's host folder (`layoutRoot`), as callers build SM_*.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { RunExit, RunHandle, RunSpec, Runtime } from '../../src/runtime/runtime.ts';
import { tempFolder } from '../helpers/temp.ts';
import { waitFor } from '../helpers/wait.ts';

export interface ConformanceTarget {
  runtime: Runtime;
  /** Turns the common part of a spec into one that runs `snippet` with a POSIX shell. */
  shellSpec(snippet: string, base: RunSpec): RunSpec;
}

export interface LogLine {
  line: string;
  stream: 'stdout' | 'stderr';
}

export interface StartedRun {
  handle: RunHandle;
  logs: LogLine[];
  hostRoot: string;
  /** `hostRoot` as the user's code sees it. */
  layoutRoot: string;
  lines(stream?: 'stdout' | 'stderr'): string[];
}

let counter = 0;

/** Starts `snippet` in a fresh host folder that holds the SageMaker layout folders. */
export async function startSnippet(
  target: ConformanceTarget,
  snippet: string,
  extra: Partial<RunSpec> & { idPrefix?: string; workdirInLayout?: string } = {},
  cleanups: Array<() => void> = [],
): Promise<StartedRun> {
  const folder = tempFolder('slipway-run-');
  cleanups.push(folder.cleanup);
  for (const sub of ['input/data', 'input/config', 'model', 'output', 'code']) {
    mkdirSync(join(folder.path, sub), { recursive: true });
  }
  const logs: LogLine[] = [];
  const { idPrefix = 'conformance', workdirInLayout, ...overrides } = extra;
  const layoutRoot = target.runtime.layoutRoot(folder.path);
  const base: RunSpec = {
    id: `${idPrefix}-${process.pid}-${++counter}`,
    hostRoot: folder.path,
    ...(workdirInLayout ? { workdir: `${layoutRoot}/${workdirInLayout}` } : {}),
    ...overrides,
    env: { ML: layoutRoot, ...overrides.env },
    onLog: (line, stream) => logs.push({ line, stream }),
  };
  const handle = await target.runtime.start(target.shellSpec(snippet, base));
  return {
    handle,
    logs,
    hostRoot: folder.path,
    layoutRoot,
    lines: (stream) => logs.filter((entry) => !stream || entry.stream === stream).map((entry) => entry.line),
  };
}

/** Compares the fields a RunExit promises (an absent signal and `signal: undefined` are alike). */
export function assertExit(exit: RunExit, exitCode: number | null, signal?: string): void {
  assert.deepEqual({ exitCode: exit.exitCode, signal: exit.signal }, { exitCode, signal });
}

export function describeRuntimeConformance(
  name: string,
  options: {
    /** Why the whole suite cannot run here (an engine that is not reachable outside CI). */
    skip?: string;
    /** Why runs with GPUs cannot be started here, if they cannot (no GPU runtime on the machine). */
    gpuSkip?: string;
    /** Made on first use, so a skipped suite never touches its backend. */
    target: () => ConformanceTarget;
  },
): void {
  // SLIPWAY_TEST_RUNTIMES=process (or docker, …) narrows the backends, as SLIPWAY_TEST_STORES does.
  const wanted = process.env.SLIPWAY_TEST_RUNTIMES?.split(',').map((entry) => entry.trim());
  const skip =
    options.skip ??
    (wanted && !wanted.includes(name) ? `SLIPWAY_TEST_RUNTIMES leaves ${name} out` : undefined);
  describe(`runtime conformance: ${name}`, { skip }, () => {
    const cleanups: Array<() => void> = [];
    let target: ConformanceTarget | undefined;
    const run = (snippet: string, extra?: Partial<RunSpec> & { workdirInLayout?: string }) => {
      target ??= options.target();
      return startSnippet(target, snippet, { idPrefix: `conformance-${name}`, ...extra }, cleanups);
    };
    const waitForLine = (started: StartedRun, line: string) =>
      waitFor(() => started.lines().includes(line), { what: `log line "${line}"` });

    test.after(() => {
      for (const cleanup of cleanups) cleanup();
    });

    test('a successful run exits 0 and passes both streams on, line by line, in order', async () => {
      const started = await run(
        'echo out-1; echo err-1 >&2; echo out-2; echo err-2 >&2; echo out-3; printf "no-newline"',
      );
      const exit = await started.handle.exited;
      assertExit(exit, 0);
      // Within a stream the order is the program's; across streams the two pipes race.
      assert.deepEqual(started.lines('stdout'), ['out-1', 'out-2', 'out-3', 'no-newline']);
      assert.deepEqual(started.lines('stderr'), ['err-1', 'err-2']);
    });

    test('a burst of output arrives complete and in order', async () => {
      // Thousands of lines span many chunks, so lines split across chunk boundaries are joined.
      const started = await run('i=0; while [ $i -lt 3000 ]; do echo "line-$i"; i=$((i+1)); done');
      assertExit(await started.handle.exited, 0);
      assert.deepEqual(
        started.lines('stdout'),
        Array.from({ length: 3000 }, (_, i) => `line-${i}`),
      );
    });

    test('a non-zero exit code surfaces', async () => {
      const started = await run('echo failing >&2; exit 7');
      assertExit(await started.handle.exited, 7);
      assert.deepEqual(started.lines('stderr'), ['failing']);
    });

    test('environment variables reach the code', async () => {
      const started = await run('echo "greeting=$GREETING"; echo "hp=$SM_HP_C"', {
        env: { GREETING: 'hello world', SM_HP_C: '0.5' },
      });
      assert.equal((await started.handle.exited).exitCode, 0);
      assert.deepEqual(started.lines('stdout'), ['greeting=hello world', 'hp=0.5']);
    });

    test('a file written under <layoutRoot>/model appears in the host folder', async () => {
      const started = await run('echo "weights" > "$ML/model/model.txt"; mkdir -p "$ML/output/data"');
      assert.equal((await started.handle.exited).exitCode, 0);
      assert.equal(readFileSync(join(started.hostRoot, 'model', 'model.txt'), 'utf8'), 'weights\n');
    });

    test('the code runs in the working directory it is given', async () => {
      const started = await run('pwd', { workdirInLayout: 'code' });
      assert.equal((await started.handle.exited).exitCode, 0);
      assert.deepEqual(started.lines('stdout'), [started.layoutRoot + '/code']);
    });

    test('stop sends SIGTERM first: a script that traps it ends gracefully', async () => {
      // `sleep & wait` so the trap runs at once: a shell runs traps only between commands.
      const started = await run(
        `trap 'echo stopping; echo graceful > "$ML/output/stopped"; exit 3' TERM
         echo ready
         sleep 60 & wait $!
         echo not-stopped`,
      );
      await waitForLine(started, 'ready');
      const exit: RunExit = await started.handle.stop(10_000);
      assertExit(exit, 3);
      assert.equal(await started.handle.exited, exit);
      assert.equal(readFileSync(join(started.hostRoot, 'output', 'stopped'), 'utf8'), 'graceful\n');
      assert.deepEqual(started.lines('stdout'), ['ready', 'stopping']);
    });

    test('stop kills a script that ignores SIGTERM once the grace period is over', async () => {
      const started = await run(
        `trap 'echo term-ignored' TERM
         echo ready
         while :; do sleep 1 & wait $!; done`,
      );
      await waitForLine(started, 'ready');
      const exit = await started.handle.stop(1_000);
      assertExit(exit, null, 'SIGKILL');
      // The trap ran, so SIGTERM came first and the kill only after it was ignored.
      assert.ok(started.lines('stdout').includes('term-ignored'), started.lines().join('\n'));
    });

    test('stop after the run has ended answers with the exit it had', async () => {
      const started = await run('exit 2');
      assertExit(await started.handle.exited, 2);
      assertExit(await started.handle.stop(1_000), 2);
    });

    test('a run given no GPUs sees none', async () => {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not JS
      const started = await run('echo "cuda=[${CUDA_VISIBLE_DEVICES-unset}]"');
      assert.equal((await started.handle.exited).exitCode, 0);
      assert.deepEqual(started.lines('stdout'), ['cuda=[]']);
    });

    test('GPUs assigned to a run appear as CUDA_VISIBLE_DEVICES', { skip: options.gpuSkip }, async () => {
      const started = await run('echo "cuda=$CUDA_VISIBLE_DEVICES"', { gpus: [0, 1] });
      assert.equal((await started.handle.exited).exitCode, 0);
      assert.deepEqual(started.lines('stdout'), ['cuda=0,1']);
    });
  });
}
