/**
 * Runs user code as a host child process: the default, no Docker needed. The process leads its own
 * process group so that stop reaches everything it spawned (a shell script's children included).
 * It cannot outlive Slipway in a way that can be re-attached, so `reattach` is not offered.
 */
import { spawn } from 'node:child_process';
import type { RunExit, RunHandle, RunSpec, Runtime } from '../runtime.ts';
import { lineSplitter } from '../runtime.ts';
import { hostEnvironment } from './host-env.ts';

export class ProcessRuntime implements Runtime {
  readonly name = 'process' as const;
  readonly capabilities = { runsImages: false, reattach: false, resourceLimits: false };

  layoutRoot(hostRoot: string): string {
    return hostRoot;
  }

  async start(spec: RunSpec): Promise<RunHandle> {
    if (spec.image) throw new Error('the process runtime runs commands, not images; use the docker runtime');
    const [command, ...commandArgs] = [...(spec.command ?? []), ...(spec.args ?? [])];
    if (!command) throw new Error('no command to run');
    const env = hostEnvironment(spec.env);
    // Without a GPU assignment a process must see none, or it could take another job's GPU.
    env.CUDA_VISIBLE_DEVICES = spec.gpus?.length ? spec.gpus.join(',') : '';
    if (spec.gpus?.length) env.NVIDIA_VISIBLE_DEVICES = spec.gpus.join(',');
    const child = spawn(command, commandArgs, {
      cwd: spec.workdir ?? spec.hostRoot,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<RunExit>((resolve) => {
      let spawnError: Error | undefined;
      child.once('error', (error) => {
        spawnError = error;
        spec.onLog?.(`failed to start ${command}: ${error.message}`, 'stderr');
        resolve({ exitCode: 127 });
      });
      child.once('close', (code, signal) => {
        if (!spawnError) resolve({ exitCode: code, signal: signal ?? undefined });
      });
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = lineSplitter((line) => spec.onLog?.(line, stream));
      child[stream].on('data', (chunk: Buffer) => lines.push(chunk));
      child[stream].on('end', () => lines.flush());
    }
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    return {
      id: spec.id,
      pid: child.pid,
      exited,
      async stop(graceMs: number) {
        signalGroup('SIGTERM');
        const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
        const exit = await exited;
        clearTimeout(timer);
        // Children that ignored SIGTERM must not outlive the run.
        signalGroup('SIGKILL');
        return exit;
      },
    };
  }
}
