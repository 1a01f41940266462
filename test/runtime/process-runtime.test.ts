/**
 * The process runtime: the conformance suite with the host's `sh`, then what only a host process
 * has: a process group that stop must reach, and the refusals of what it cannot run.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ProcessRuntime } from '../../src/runtime/process/process-runtime.ts';
import { tempFolder } from '../helpers/temp.ts';
import { waitFor } from '../helpers/wait.ts';
import { assertExit, describeRuntimeConformance } from './runtime-conformance.ts';

describeRuntimeConformance('process', {
  target: () => ({
    runtime: new ProcessRuntime(),
    shellSpec: (snippet, base) => ({ ...base, command: ['sh', '-c', snippet] }),
  }),
});

/** Gone, or a zombie waiting for a parent that is not ours to reap it. */
function isDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
  } catch {
    return true;
  }
}

describe('process runtime only', () => {
  const runtime = new ProcessRuntime();

  test("stop reaches the run's children: a background child of the script dies with it", async () => {
    const folder = tempFolder('slipway-process-');
    try {
      const lines: string[] = [];
      const handle = await runtime.start({
        id: 'process-group',
        command: ['sh', '-c', 'trap "" TERM; sleep 300 >/dev/null 2>&1 & echo "child=$!"; wait'],
        env: {},
        hostRoot: folder.path,
        onLog: (line) => lines.push(line),
      });
      const line = await waitFor(() => lines.find((l) => l.startsWith('child=')), { what: 'the child pid' });
      const child = Number(line.slice('child='.length));
      assert.equal(isDead(child), false, 'the child runs before stop');
      assertExit(await handle.stop(200), null, 'SIGKILL');
      await waitFor(() => isDead(child), { what: `child ${child} to be killed` });
    } finally {
      folder.cleanup();
    }
  });

  test('an image is refused: the process runtime runs commands', async () => {
    await assert.rejects(
      runtime.start({ id: 'with-image', image: 'slipway-test/tiny', env: {}, hostRoot: '/tmp' }),
      /runs commands, not images/,
    );
  });

  test('a command that cannot be started exits 127 with the reason in its log', async () => {
    const lines: string[] = [];
    const handle = await runtime.start({
      id: 'missing-command',
      command: ['/nonexistent/train'],
      env: {},
      hostRoot: '/tmp',
      onLog: (line) => lines.push(line),
    });
    assertExit(await handle.exited, 127);
    assert.match(lines.join('\n'), /failed to start \/nonexistent\/train: .*ENOENT/);
  });
});
