/**
 * The Docker runtime against a real engine, with the locally built `slipway-test/tiny` image: the
 * conformance suite, then what only a container runtime does (images, re-attaching after a crash,
 * resource limits). The create request is also checked on its own, since GPUs cannot run here.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { containerName, containerOptions, runIdLabel } from '../../src/runtime/docker/container-options.ts';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.ts';
import type { RunSpec } from '../../src/runtime/runtime.ts';
import { containerExists, removeRunContainers, testEngine, tinyImage } from '../helpers/docker.ts';
import { tempFolder } from '../helpers/temp.ts';
import { waitFor } from '../helpers/wait.ts';
import {
  assertExit,
  type ConformanceTarget,
  describeRuntimeConformance,
  startSnippet,
} from './runtime-conformance.ts';

const engine = await testEngine();
const idPrefix = `docker-test-${process.pid}`;

const tinyTarget = (runtime = new DockerRuntime()): ConformanceTarget => ({
  runtime,
  shellSpec: (snippet, base) => ({ ...base, image: tinyImage, command: ['sh', '-c', snippet] }),
});

describeRuntimeConformance('docker', {
  skip: engine.skip,
  gpuSkip: engine.nvidia
    ? undefined
    : 'the engine has no NVIDIA runtime; "containerOptions builds the create request" checks the GPU request',
  target: () => tinyTarget(),
});

describe('docker runtime: containerOptions builds the create request (request only, no engine)', () => {
  const spec: RunSpec = {
    id: 'training-job-penguins-1',
    image: 'penguins-train:1',
    args: ['train'],
    env: { SM_MODEL_DIR: '/opt/ml/model' },
    hostRoot: '/var/lib/slipway/runs/penguins-1',
    workdir: '/opt/ml/code',
    gpus: [0, 1],
    cpus: 1.5,
    memoryMb: 512,
  };

  test('GPUs become an NVIDIA device request and the visible-devices variables', () => {
    const options = containerOptions(spec);
    assert.deepEqual(options.HostConfig?.DeviceRequests, [
      { Driver: 'nvidia', DeviceIDs: ['0', '1'], Capabilities: [['gpu']] },
    ]);
    assert.ok(options.Env?.includes('CUDA_VISIBLE_DEVICES=0,1'));
    assert.ok(options.Env?.includes('NVIDIA_VISIBLE_DEVICES=0,1'));
    assert.ok(options.Env?.includes('SM_MODEL_DIR=/opt/ml/model'));
  });

  test('without GPUs there is no device request and the NVIDIA hook is switched off', () => {
    const options = containerOptions({ ...spec, gpus: undefined });
    assert.equal(options.HostConfig?.DeviceRequests, undefined);
    assert.ok(options.Env?.includes('CUDA_VISIBLE_DEVICES='));
    assert.ok(options.Env?.includes('NVIDIA_VISIBLE_DEVICES=void'));
  });

  test('the layout is bind-mounted at /opt/ml, on the host network, with limits and labels', () => {
    const options = containerOptions(spec);
    assert.equal(options.name, 'slipway-training-job-penguins-1');
    assert.equal(options.Image, 'penguins-train:1');
    assert.deepEqual(options.HostConfig?.Binds, ['/var/lib/slipway/runs/penguins-1:/opt/ml']);
    assert.equal(options.HostConfig?.NetworkMode, 'host');
    assert.equal(options.HostConfig?.NanoCpus, 1_500_000_000);
    assert.equal(options.HostConfig?.Memory, 512 * 1024 * 1024);
    assert.equal(options.HostConfig?.MemorySwap, 512 * 1024 * 1024);
    assert.equal(options.WorkingDir, '/opt/ml/code');
    assert.deepEqual(options.Labels, { [runIdLabel]: 'training-job-penguins-1' });
  });

  test("args alone follow the image's entrypoint (`<image> train`); a command replaces it", () => {
    const imageEntrypoint = containerOptions(spec);
    assert.equal(imageEntrypoint.Entrypoint, undefined);
    assert.deepEqual(imageEntrypoint.Cmd, ['train']);
    const command = containerOptions({ ...spec, command: ['python3', 'train.py'], args: undefined });
    assert.deepEqual(command.Entrypoint, ['python3', 'train.py']);
    // An empty Cmd, or the image's CMD would be appended to the new entrypoint.
    assert.deepEqual(command.Cmd, []);
  });

  test('container names are valid Docker names and distinct for ids that sanitise alike', () => {
    const a = containerName('job/a:1');
    const b = containerName('job:a/1');
    for (const name of [a, b]) assert.match(name, /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/);
    assert.notEqual(a, b);
  });
});

describe('docker runtime: engine unreachable', () => {
  test('start fails with SLIPWAY_RUNTIME_DOCKER_UNAVAILABLE naming the socket', async () => {
    const folder = tempFolder();
    after(folder.cleanup);
    const socketPath = join(folder.path, 'no-docker.sock');
    const runtime = new DockerRuntime({ docker: new Docker({ socketPath }) });
    await assert.rejects(
      runtime.start({ id: 'unreachable', image: tinyImage, env: {}, hostRoot: folder.path }),
      (error: { code?: string; kind?: string; message: string }) => {
        assert.equal(error.code, 'SLIPWAY_RUNTIME_DOCKER_UNAVAILABLE');
        assert.equal(error.kind, 'unavailable');
        assert.ok(error.message.includes(socketPath), error.message);
        return true;
      },
    );
  });
});

describe('docker runtime: images and containers', { skip: engine.skip }, () => {
  const docker = engine.docker;
  const cleanups: Array<() => void> = [];
  const children: ChildProcess[] = [];
  let counter = 0;
  const nextId = (what: string) => `${idPrefix}-${what}-${++counter}`;
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await removeRunContainers(docker, idPrefix);
    for (const cleanup of cleanups) cleanup();
  });

  test('an image that is not on the engine is a clear validation error, with no pull', async () => {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    const image = 'slipway-test/does-not-exist:1';
    await assert.rejects(
      new DockerRuntime().start({ id: nextId('no-image'), image, env: {}, hostRoot: folder.path }),
      (error: { code?: string; kind?: string; message: string }) => {
        assert.equal(error.code, 'SLIPWAY_RUNTIME_IMAGE_NOT_FOUND');
        assert.equal(error.kind, 'validation');
        assert.match(error.message, /does-not-exist:1.*build it or load it/);
        return true;
      },
    );
    await assert.rejects(docker.getImage(image).inspect(), { statusCode: 404 });
  });

  test('a run without an image is refused', async () => {
    await assert.rejects(
      new DockerRuntime().start({ id: nextId('no-image-field'), env: {}, hostRoot: '/tmp' }),
      { code: 'SLIPWAY_RUNTIME_IMAGE_REQUIRED' },
    );
  });

  test('the container is removed once the run has ended and its logs are in', async () => {
    const started = await startSnippet(tinyTarget(), 'echo last-words', { idPrefix }, cleanups);
    assertExit(await started.handle.exited, 0);
    assert.deepEqual(started.lines(), ['last-words']);
    assert.equal(await containerExists(docker, containerName(started.handle.id)), false);
  });

  test("args without a command replace the image's CMD, as `<image> train` does", async () => {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    const lines: string[] = [];
    const handle = await new DockerRuntime().start({
      id: nextId('args-only'),
      image: tinyImage,
      args: ['echo', 'train'],
      env: {},
      hostRoot: folder.path,
      onLog: (line) => lines.push(line),
    });
    assertExit(await handle.exited, 0);
    assert.deepEqual(lines, ['train']);
  });

  test('cpus and memoryMb are enforced by the container cgroup', async () => {
    const started = await startSnippet(
      tinyTarget(),
      `cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes
       cat /sys/fs/cgroup/cpu.max 2>/dev/null ||
         echo "$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"`,
      { idPrefix, cpus: 0.5, memoryMb: 64 },
      cleanups,
    );
    assertExit(await started.handle.exited, 0);
    assert.deepEqual(started.lines('stdout'), [String(64 * 1024 * 1024), '50000 100000']);
  });

  test('a run that outgrows memoryMb is killed by the kernel, and the exit says so', async () => {
    // `exec` makes the memory hog the main process; tail -c keeps 100 MB of an endless input.
    const started = await startSnippet(
      tinyTarget(),
      'echo growing; exec tail -c 100m /dev/zero',
      { idPrefix, memoryMb: 16 },
      cleanups,
    );
    assertExit(await started.handle.exited, null, 'SIGKILL');
    assert.deepEqual(started.lines(), ['growing']);
  });

  test('a leftover container of the same name is not re-attached, and start replaces it', async () => {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    const id = nextId('leftover');
    // As a crash might leave it, but without Slipway's label: reattach must not adopt it.
    await docker.createContainer({ name: containerName(id), Image: tinyImage, Cmd: ['true'] });
    const runtime = new DockerRuntime();
    const spec: RunSpec = { id, env: {}, hostRoot: folder.path };
    assert.equal(await runtime.reattach({ ...spec }), undefined);
    const lines: string[] = [];
    const handle = await runtime.start({
      ...spec,
      image: tinyImage,
      command: ['echo', 'fresh'],
      onLog: (line) => lines.push(line),
    });
    assertExit(await handle.exited, 0);
    assert.deepEqual(lines, ['fresh']);
  });

  test('a container created but never started (a crash between create and start) is not a run', async () => {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    const spec: RunSpec = {
      id: nextId('created'),
      image: tinyImage,
      command: ['true'],
      env: {},
      hostRoot: folder.path,
    };
    await docker.createContainer(containerOptions(spec));
    assert.equal(await new DockerRuntime().reattach(spec), undefined);
    assert.equal(await containerExists(docker, containerName(spec.id)), false);
  });

  test('reattach finds nothing for a run that has no container', async () => {
    const runtime = new DockerRuntime();
    assert.equal(await runtime.reattach({ id: nextId('absent'), env: {}, hostRoot: '/tmp' }), undefined);
  });

  /** Starts a run from a separate Slipway-like process and kills that process, as a crash would. */
  async function startThenCrash(exitCode: number) {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    const spec: RunSpec = {
      id: nextId('crash'),
      image: tinyImage,
      command: [
        'sh',
        '-c',
        `echo before-crash
         until [ -f /opt/ml/go ]; do sleep 0.1; done
         echo after-crash; exit ${exitCode}`,
      ],
      env: {},
      hostRoot: folder.path,
    };
    const fixture = fileURLToPath(new URL('./fixtures/start-docker-run.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const gone = new Promise((resolve) => child.once('exit', resolve));
    await waitFor(() => output.includes('log: before-crash'), { what: 'the first process to start the run' });
    child.kill('SIGKILL');
    await gone;
    return { spec, release: () => writeFileSync(join(folder.path, 'go'), '') };
  }

  test('a fresh runtime re-attaches to a running container: new log lines and its exit', async () => {
    const { spec, release } = await startThenCrash(5);
    const lines: string[] = [];
    const handle = await new DockerRuntime().reattach({ ...spec, onLog: (line) => lines.push(line) });
    assert.ok(handle, 'the running container is found');
    release();
    assertExit(await handle.exited, 5);
    // Logs resume from the re-attach: the line the crashed process already had is not repeated.
    assert.deepEqual(lines, ['after-crash']);
    assert.equal(await containerExists(docker, containerName(spec.id)), false);
  });

  test('a fresh runtime re-attaches to a container that exited meanwhile: its exit code', async () => {
    const { spec, release } = await startThenCrash(4);
    release();
    await waitFor(async () => !(await docker.getContainer(containerName(spec.id)).inspect()).State.Running, {
      what: 'the orphaned container to exit',
    });
    const handle = await new DockerRuntime().reattach(spec);
    assert.ok(handle, 'the exited container is found');
    assertExit(await handle.exited, 4);
    assertExit(await handle.stop(1_000), 4);
    assert.equal(await containerExists(docker, containerName(spec.id)), false);
  });
});
