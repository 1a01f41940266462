/**
 * The one interface through which Slipway runs user code (training, processing, serving). Nothing
 * above it knows which implementation it has; differences are named capability flags.
 *
 * A run gets a host folder that holds the SageMaker layout (`input/`, `model/`, `output/`, `code/`).
 * The process runtime runs the command with that folder as is; the docker runtime mounts it at
 * `/opt/ml`. Either way the run's environment is built by the caller from `layoutRoot`, the path
 * under which *the user's code* sees the layout.
 */

export interface RuntimeCapabilities {
  /** Runs an image (`RunSpec.image`); the process runtime runs host commands only. */
  runsImages: boolean;
  /** A run survives a Slipway restart and can be re-attached by its id. */
  reattach: boolean;
  /** Enforces `cpus` / `memoryMb` limits. */
  resourceLimits: boolean;
}

export interface RunSpec {
  /** Unique and stable, e.g. `training-job-penguins-1`: names the container or process group. */
  id: string;
  /** Image to run (docker, kubernetes). */
  image?: string;
  /** The command; for an image, overrides its entrypoint when given. */
  command?: string[];
  /** Arguments after the command (or after the image's entrypoint). */
  args?: string[];
  env: Record<string, string>;
  /** Host folder with the SageMaker layout (input/, model/, output/, code/). */
  hostRoot: string;
  /** Working directory, as the user's code sees it. */
  workdir?: string;
  /** GPU indices handed to this run (CUDA_VISIBLE_DEVICES / device requests). */
  gpus?: number[];
  cpus?: number;
  memoryMb?: number;
  /** Every line the run prints (stdout and stderr, in order of arrival). */
  onLog?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface RunExit {
  /** Process exit code, or null when killed by a signal. */
  exitCode: number | null;
  signal?: string;
}

export interface RunHandle {
  readonly id: string;
  /** The host process id, where the runtime has one (process runtime), so a restart can clean up. */
  readonly pid?: number;
  /** Resolves when the run has ended (whatever the reason). */
  readonly exited: Promise<RunExit>;
  /** SIGTERM, then SIGKILL after `graceMs` if still running. Resolves once it has exited. */
  stop(graceMs: number): Promise<RunExit>;
}

export interface Runtime {
  readonly name: 'process' | 'docker' | 'kubernetes';
  readonly capabilities: RuntimeCapabilities;
  /** The path at which the user's code sees `RunSpec.hostRoot`. */
  layoutRoot(hostRoot: string): string;
  start(spec: RunSpec): Promise<RunHandle>;
  /** Re-attaches to a run started by an earlier Slipway process (when `capabilities.reattach`). */
  reattach?(spec: RunSpec): Promise<RunHandle | undefined>;
  /** Ends and removes a run an earlier Slipway process started, by its id (runtimes whose runs outlive Slipway). */
  discard?(id: string): Promise<void>;
}

/** Splits a byte stream into lines, keeping a partial last line until more arrives. */
export function lineSplitter(emit: (line: string) => void) {
  let pending = '';
  return {
    push(chunk: Buffer | string) {
      pending += chunk.toString();
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        emit(pending.slice(0, newline).replace(/\r$/, ''));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    },
    flush() {
      if (pending) emit(pending);
      pending = '';
    },
  };
}
