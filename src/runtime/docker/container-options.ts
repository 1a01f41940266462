/**
 * Pure translation of a RunSpec into Docker's container-create request, kept apart from the engine
 * calls so that what a run asks for (GPUs above all, which this machine cannot run) is testable
 * without an engine.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { ContainerCreateOptions } from 'dockerode';
import type { RunSpec } from '../runtime.ts';

/** Where the user's code sees the SageMaker layout inside a container. */
export const containerLayoutRoot = '/opt/ml';

/** Label that marks a container as Slipway's and names its run; reattach trusts only this. */
export const runIdLabel = 'slipway.run-id';

/**
 * Docker names allow `[a-zA-Z0-9][a-zA-Z0-9_.-]*`. Ids that need changing get a short hash of the
 * original, so two ids that sanitise alike (`a/b`, `a:b`) still name different containers.
 */
export function containerName(id: string): string {
  const sanitised = id.replace(/[^a-zA-Z0-9_.-]/g, '-');
  const name = `slipway-${sanitised}`;
  if (sanitised === id) return name;
  return `${name}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}`;
}

/** GPU variables, as the process runtime sets them, so user code sees the same thing on both. */
export function gpuEnv(gpus: number[] | undefined): Record<string, string> {
  if (gpus?.length) {
    const list = gpus.join(',');
    return { CUDA_VISIBLE_DEVICES: list, NVIDIA_VISIBLE_DEVICES: list };
  }
  // CUDA images set NVIDIA_VISIBLE_DEVICES=all; where the NVIDIA runtime is the engine's default
  // that would hand every GPU to a job given none. `void` switches the NVIDIA hook off.
  return { CUDA_VISIBLE_DEVICES: '', NVIDIA_VISIBLE_DEVICES: 'void' };
}

export function containerOptions(spec: RunSpec): ContainerCreateOptions {
  const env = { ...spec.env, ...gpuEnv(spec.gpus) };
  const options: ContainerCreateOptions = {
    name: containerName(spec.id),
    Image: spec.image,
    Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    Labels: { [runIdLabel]: spec.id },
    Tty: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: {
      // A bind mount needs an absolute host path; a relative one would be taken as a volume name.
      Binds: [`${resolve(spec.hostRoot)}:${containerLayoutRoot}`],
      // There is no bridge network on a Slipway host in general; a serving container listens on
      // the port it is given, reachable at 127.0.0.1 from the host.
      NetworkMode: 'host',
    },
  };
  // With an entrypoint given, the engine ignores the image's CMD too (as `docker run --entrypoint`),
  // so args alone are what follows it.
  if (spec.command?.length) options.Entrypoint = spec.command;
  if (spec.args) options.Cmd = spec.args;
  else if (spec.command?.length) options.Cmd = [];
  if (spec.workdir) options.WorkingDir = spec.workdir;
  const host = options.HostConfig!;
  if (spec.cpus !== undefined) host.NanoCpus = Math.round(spec.cpus * 1e9);
  if (spec.memoryMb !== undefined) {
    host.Memory = Math.round(spec.memoryMb * 1024 * 1024);
    // Memory plus swap: the same figure, so the limit is the run's memory and not twice it in swap
    // (the engine's default). An engine without swap accounting ignores it with a warning.
    host.MemorySwap = host.Memory;
  }
  if (spec.gpus?.length) {
    host.DeviceRequests = [{ Driver: 'nvidia', DeviceIDs: spec.gpus.map(String), Capabilities: [['gpu']] }];
  }
  return options;
}
