/**
 * Runs user code in Docker containers through the Engine API (dockerode). The run's host folder is
 * bind-mounted at `/opt/ml`, exactly where SageMaker's training and serving contracts put it, so an
 * image written for SageMaker runs unchanged.
 *
 * Containers are named and labelled from the run id, and outlive the Slipway process that started
 * them: a restarted Slipway re-attaches by name. For the same reason no AutoRemove: a container
 * removed by the engine on exit takes its exit code with it whenever Slipway is not watching. The
 * watching handle removes the container itself once the exit code and every log line are in.
 */
import Docker from 'dockerode';
import { isSlipwayError } from '../../core/errors.ts';
import type { RunExit, RunHandle, RunSpec, Runtime } from '../runtime.ts';
import { type FollowedLogs, followLogs } from './container-logs.ts';
import { containerLayoutRoot, containerName, containerOptions, runIdLabel } from './container-options.ts';
import { DockerRuntimeErrors } from './docker-errors.ts';

export interface DockerRuntimeOptions {
  /** A configured client; by default dockerode's defaults (DOCKER_HOST, else /var/run/docker.sock). */
  docker?: Docker;
  /**
   * How long to wait for the log stream to close after the container has exited before giving up
   * on it (the engine closes it at once in practice; this only bounds a misbehaving engine).
   */
  logDrainMs?: number;
}

/** Exit statuses Docker reports for a main process killed by a signal (128 + signal number). */
const signalOfStatus: Record<number, string> = { 137: 'SIGKILL', 143: 'SIGTERM' };

export class DockerRuntime implements Runtime {
  readonly name = 'docker' as const;
  readonly capabilities = { runsImages: true, reattach: true, resourceLimits: true };
  readonly docker: Docker;
  private readonly logDrainMs: number;

  constructor(options: DockerRuntimeOptions = {}) {
    this.docker = options.docker ?? new Docker();
    this.logDrainMs = options.logDrainMs ?? 5_000;
  }

  layoutRoot(_hostRoot: string): string {
    return containerLayoutRoot;
  }

  async start(spec: RunSpec): Promise<RunHandle> {
    if (!spec.image) throw DockerRuntimeErrors.imageRequired({ id: spec.id });
    const image = spec.image;
    await this.engine(spec.id, 'inspect the image', async () => {
      try {
        await this.docker.getImage(image).inspect();
      } catch (error) {
        if (statusOf(error) === 404) throw DockerRuntimeErrors.imageNotFound({ image });
        throw error;
      }
    });
    const options = containerOptions(spec);
    // A container of this name is a leftover of a run that crashed before removing it; the caller
    // starting the run again means it has given up on that one.
    await this.removeContainer(spec.id, this.docker.getContainer(options.name!));
    const container = await this.engine(spec.id, 'create the container', () =>
      this.docker.createContainer(options),
    );
    let logs: FollowedLogs | undefined;
    try {
      // Output is attached before start, so the first line cannot be missed.
      logs = await this.engine(spec.id, 'attach to the container', () =>
        followLogs(this.docker, container, spec.onLog),
      );
      await this.engine(spec.id, 'start the container', () => container.start());
      return this.watch(spec, container, logs);
    } catch (error) {
      // A container nobody watches would run on unseen and block the next start of this run.
      logs?.close();
      await this.removeContainer(spec.id, container).catch(() => {});
      throw error;
    }
  }

  /** The run's container and its state; undefined when there is none, or one Slipway did not label for this run. */
  private async ownContainer(id: string) {
    const container = this.docker.getContainer(containerName(id));
    const info = await this.engine(id, 'inspect the container', async () => {
      try {
        return await container.inspect();
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
    // A container of that name that Slipway did not label for this run is someone else's.
    return info && info.Config.Labels?.[runIdLabel] === id ? { container, info } : undefined;
  }

  async reattach(spec: RunSpec): Promise<RunHandle | undefined> {
    const own = await this.ownContainer(spec.id);
    if (!own) return undefined;
    const { container, info } = own;
    let state = info.State;
    if (state.Running || state.Paused || state.Restarting) {
      try {
        const logs = await followLogs(this.docker, container, spec.onLog);
        return this.watch(spec, container, logs);
      } catch (error) {
        // It may have exited between inspect and attach; then its exit code is collected below.
        const again = await this.engine(spec.id, 'inspect the container', () => container.inspect());
        if (again.State.Running) {
          throw DockerRuntimeErrors.dockerFailed({
            id: spec.id,
            action: 'attach to the container',
            reason: engineMessage(error),
          });
        }
        state = again.State;
      }
    }
    if (state.Status === 'created') {
      // Created but never started: the earlier process died between create and start, so the run
      // never began. Report it absent; the caller starts it afresh or fails it.
      await this.removeContainer(spec.id, container);
      return undefined;
    }
    // Exited while no Slipway was watching: its exit code is all there is to collect.
    const exit = toExit(state.ExitCode, { stopRequested: false, oomKilled: state.OOMKilled });
    await this.removeContainer(spec.id, container);
    const exited = Promise.resolve(exit);
    return { id: spec.id, exited, stop: async () => exit };
  }

  /** Follows a started container to its end: logs to onLog, then exit, then removal. */
  private watch(spec: RunSpec, container: Docker.Container, logs: FollowedLogs): RunHandle {
    let stopRequested = false;
    const exited = (async (): Promise<RunExit> => {
      const waited = (await this.engine(spec.id, 'wait for the container', () => container.wait())) as {
        StatusCode: number;
      };
      // Every line must reach onLog before `exited` resolves, as with the process runtime.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        logs.ended,
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            logs.close();
            resolve();
          }, this.logDrainMs);
        }),
      ]);
      clearTimeout(timer);
      const oomKilled = await container
        .inspect()
        .then((info) => info.State.OOMKilled)
        .catch(() => false);
      await this.removeContainer(spec.id, container).catch(() => {});
      return toExit(waited.StatusCode, { stopRequested, oomKilled });
    })();
    // A caller that never awaits `exited` must not crash the process when the engine goes away.
    exited.catch(() => {});
    return {
      id: spec.id,
      exited,
      stop: async (graceMs: number) => {
        stopRequested = true;
        // The engine sends the image's stop signal (SIGTERM), then SIGKILL after t seconds.
        await this.engine(spec.id, 'stop the container', async () => {
          try {
            await container.stop({ t: Math.max(0, Math.ceil(graceMs / 1000)) });
          } catch (error) {
            // 304: already stopped; 404: already removed. Either way `exited` has the answer.
            if (statusOf(error) !== 304 && statusOf(error) !== 404) throw error;
          }
        });
        return exited;
      },
    };
  }

  async discard(id: string): Promise<void> {
    const own = await this.ownContainer(id);
    if (own) await this.removeContainer(id, own.container);
  }

  private async removeContainer(id: string, container: Docker.Container): Promise<void> {
    await this.engine(id, 'remove the container', async () => {
      try {
        await container.remove({ force: true });
      } catch (error) {
        // 404: gone already; 409: another handle (or the engine) is removing it right now.
        if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
      }
    });
  }

  /** Runs one engine call, turning transport and engine failures into catalogue errors. */
  private async engine<T>(id: string, action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (isSlipwayError(error)) throw error;
      if (isConnectionError(error)) {
        throw DockerRuntimeErrors.dockerUnavailable({
          engine: this.engineAddress(),
          reason: (error as Error).message,
        });
      }
      throw DockerRuntimeErrors.dockerFailed({ id, action, reason: engineMessage(error) });
    }
  }

  private engineAddress(): string {
    const modem = this.docker.modem as { socketPath?: string; host?: string; port?: number };
    if (modem.socketPath) return `unix://${modem.socketPath}`;
    return `${modem.host ?? 'localhost'}${modem.port ? `:${modem.port}` : ''}`;
  }
}

function toExit(statusCode: number, how: { stopRequested: boolean; oomKilled: boolean }): RunExit {
  // Docker reports a signal death of the main process as 128 + signal. It is reported as a signal
  // (as the process runtime does) only when something is known to have sent one: Slipway's stop,
  // or the kernel's OOM killer. Otherwise it may be a script's own `exit 137`, an exit code. An OOM
  // kill of a child that the main process survived leaves its exit code alone.
  const signal = signalOfStatus[statusCode];
  if (signal === 'SIGKILL' && how.oomKilled) return { exitCode: null, signal };
  if (how.stopRequested && signal) return { exitCode: null, signal };
  return { exitCode: statusCode };
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

const connectionCodes = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return statusOf(error) === undefined && code !== undefined && connectionCodes.has(code);
}

function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } }).json;
  return json?.message ?? (error as Error).message ?? String(error);
}
